/** Restart (graceful) and kill (SIGKILL) one worker; the arbiter replaces it either way. */
import type { WorkerStateName } from '@contract';
import { useCommand } from '../../session/commands';

export function WorkerActions({ pid, state }: { pid: number; state: WorkerStateName }) {
  const run = useCommand();
  const gone = state === 'dead' || state === 'stopping';
  return (
    <div className="worker-actions">
      <button
        type="button"
        data-testid="worker-restart"
        disabled={gone}
        title="Stop this worker gracefully; the arbiter starts a new one"
        onClick={(e) => {
          e.stopPropagation();
          void run('restartWorker', pid);
        }}
      >
        Restart
      </button>
      <button
        type="button"
        className="danger"
        data-testid="worker-kill"
        disabled={state === 'dead'}
        title="Kill this worker (SIGKILL); the arbiter starts a new one"
        onClick={(e) => {
          e.stopPropagation();
          void run('killWorker', pid);
        }}
      >
        Kill
      </button>
    </div>
  );
}
