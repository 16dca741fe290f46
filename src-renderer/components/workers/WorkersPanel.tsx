/** Every worker as a card, and the arbiter's event log beside them. */
import { useWorkers } from '../../stores/workers/hooks';
import { useSelectedPid } from '../../stores/selection/hooks';
import { EmptyState } from '../common/EmptyState';
import { ArbiterLog } from './ArbiterLog';
import { WorkerCard } from './WorkerCard';

export function WorkersPanel() {
  const workers = useWorkers();
  const selectedPid = useSelectedPid();
  return (
    <section className="workers-panel" data-testid="workers-panel" aria-label="Workers">
      <div className="worker-cards">
        {workers.length === 0 ? (
          <EmptyState title="No workers yet">The arbiter starts them when the server boots.</EmptyState>
        ) : (
          workers.map((worker) => <WorkerCard key={worker.pid} worker={worker} selected={worker.pid === selectedPid} />)
        )}
      </div>
      <ArbiterLog />
    </section>
  );
}
