/** Filter the list by text, method, status class, worker, errors. */
import { STATUS_CLASSES } from '../../model/filters';
import { setErrorsOnly, setFilterMethod, setFilterText, setFilterWorker, toggleStatusClass } from '../../stores/filters/store';
import { useFilter } from '../../stores/filters/hooks';
import { useWorkerPids } from '../../stores/workers/hooks';
import { FILTER_INPUT_ID } from './use-list-keyboard';

const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'];

export function FilterBar() {
  const filter = useFilter();
  const livePids = useWorkerPids();
  // A filtered-on worker that has exited stays in the list.
  const pids = filter.workerPid !== null && !livePids.includes(filter.workerPid) ? [...livePids, filter.workerPid] : livePids;
  return (
    <div className="filter-bar" role="search">
      <input
        id={FILTER_INPUT_ID}
        data-testid="request-filter"
        type="search"
        placeholder="Filter  ( / )"
        aria-label="Filter requests by text"
        value={filter.text}
        onChange={(e) => setFilterText(e.target.value)}
        spellCheck={false}
      />
      <select data-testid="filter-method" aria-label="Method" value={filter.method} onChange={(e) => setFilterMethod(e.target.value)}>
        <option value="">Any method</option>
        {METHODS.map((m) => (
          <option key={m} value={m}>
            {m}
          </option>
        ))}
      </select>
      <div className="status-filters" role="group" aria-label="Status class">
        {STATUS_CLASSES.map((c) => (
          <button
            key={c}
            type="button"
            className={`chip status-${c}${filter.statusClasses.includes(c) ? ' on' : ''}`}
            aria-pressed={filter.statusClasses.includes(c)}
            data-testid={`filter-status-${c}`}
            onClick={() => toggleStatusClass(c)}
          >
            {c}
          </button>
        ))}
      </div>
      <select
        data-testid="filter-worker"
        aria-label="Worker"
        value={filter.workerPid === null ? '' : String(filter.workerPid)}
        onChange={(e) => setFilterWorker(e.target.value === '' ? null : Number(e.target.value))}
      >
        <option value="">Any worker</option>
        {pids.map((pid) => (
          <option key={pid} value={pid}>
            {pid}
          </option>
        ))}
      </select>
      <label className="chip-label">
        <input type="checkbox" data-testid="filter-errors" checked={filter.errorsOnly} onChange={(e) => setErrorsOnly(e.target.checked)} /> Errors only
      </label>
    </div>
  );
}
