/** Fewer or more workers (TTIN/TTOU in gunicorn's terms). */
import { VALIDATION_LIMITS } from '@contract/validate';
import { useCommand } from '../../session/commands';

export function WorkerCountControl(props: { count: number }) {
  const run = useCommand();
  const { count } = props;
  return (
    <div className="worker-count" role="group" aria-label="Worker count">
      <button type="button" data-testid="worker-count-dec" aria-label="One worker fewer" disabled={count <= VALIDATION_LIMITS.minWorkers} onClick={() => void run('setWorkerCount', count - 1)}>
        −
      </button>
      <span data-testid="worker-count" title="Workers">
        {count} {count === 1 ? 'worker' : 'workers'}
      </span>
      <button type="button" data-testid="worker-count-inc" aria-label="One worker more" disabled={count >= VALIDATION_LIMITS.maxWorkers} onClick={() => void run('setWorkerCount', count + 1)}>
        +
      </button>
    </div>
  );
}
