/** The arbiter's event log, newest first: spawns, exits, timeouts, reloads. */
import { formatClock, formatDuration } from '../../model/format';
import { useArbiterLog } from '../../stores/workers/hooks';

export function ArbiterLog() {
  const log = useArbiterLog();
  return (
    <section className="arbiter-log" data-testid="arbiter-log" aria-label="Arbiter events">
      <h2>Arbiter</h2>
      {log.length === 0 && <p className="muted">No events yet.</p>}
      <ol reversed>
        {log
          .slice()
          .reverse()
          .map((entry) => (
            <li key={entry.seq} className={`arbiter-entry kind-${entry.kind}`} data-testid="arbiter-entry" data-kind={entry.kind}>
              <span className="time">{formatClock(entry.time)}</span> <span className="kind">{entry.kind}</span> <span>{entry.message}</span>
              {entry.durationMs !== undefined && !/\d\s*m?s\b/.test(entry.message) && <span className="muted"> ({formatDuration(entry.durationMs)})</span>}
              {entry.changedFiles && entry.changedFiles.length > 0 && (
                <div className="changed-files" title={entry.changedFiles.join('\n')}>
                  changed: {entry.changedFiles.slice(0, 5).join(', ')}
                  {entry.changedFiles.length > 5 && ` and ${entry.changedFiles.length - 5} more`}
                </div>
              )}
              {entry.detail && (
                <details>
                  <summary>{entry.kind === 'timeout' ? 'Stack' : 'Details'}</summary>
                  <pre>{entry.detail}</pre>
                </details>
              )}
            </li>
          ))}
      </ol>
    </section>
  );
}
