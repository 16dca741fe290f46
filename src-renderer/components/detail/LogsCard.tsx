/** What the app printed and logged while serving this request, by stream. */
import { useMemo, useState } from 'react';
import type { LogStreamName } from '@contract';
import type { ExchangeView } from '../../model/exchange-view';
import { formatClock } from '../../model/format';

const STREAMS: LogStreamName[] = ['stdout', 'stderr', 'wsgi.errors', 'logging'];

export function LogsCard({ view }: { view: ExchangeView }) {
  const [hidden, setHidden] = useState<ReadonlySet<LogStreamName>>(new Set());
  const lines = useMemo(() => view.logs.filter((l) => !hidden.has(l.stream)), [view.logs, hidden]);
  if (view.logs.length === 0) return <p className="muted card">Nothing was printed or logged while serving this request.</p>;
  const toggle = (stream: LogStreamName) => {
    const next = new Set(hidden);
    if (next.has(stream)) next.delete(stream);
    else next.add(stream);
    setHidden(next);
  };
  return (
    <div className="card logs-card">
      <div className="viewer-switch" role="group" aria-label="Streams">
        {STREAMS.map((stream) => (
          <button key={stream} type="button" className={`chip${hidden.has(stream) ? '' : ' on'}`} aria-pressed={!hidden.has(stream)} onClick={() => toggle(stream)}>
            {stream} ({view.logs.filter((l) => l.stream === stream).length})
          </button>
        ))}
      </div>
      <ol className="log-lines">
        {lines.map((line, i) => (
          <li key={i} className={`log-line stream-${line.stream.replace('.', '-')}${line.level ? ` level-${line.level.toLowerCase()}` : ''}`} data-testid="log-line" data-stream={line.stream}>
            <span className="time">{formatClock(line.time)}</span>
            <span className="stream">{line.stream}</span>
            {line.level && <span className="level">{line.level}</span>}
            {line.logger && <span className="logger">{line.logger}</span>}
            <span className="text">{line.text}</span>
          </li>
        ))}
      </ol>
    </div>
  );
}
