/** The timing bars: queue, app, first byte, body. */
import type { Waterfall as WaterfallModel } from '../../model/waterfall';
import { formatDuration } from '../../model/format';

export function Waterfall({ waterfall }: { waterfall: WaterfallModel }) {
  if (waterfall.segments.length === 0) return <p className="muted">No timings recorded.</p>;
  return (
    <div className="waterfall" data-testid="waterfall">
      {waterfall.segments.map((segment) => (
        <div key={segment.name} className="waterfall-row" data-testid="waterfall-segment" data-segment={segment.name}>
          <span className="waterfall-label">{segment.label}</span>
          <span className="waterfall-track">
            <span
              className={`waterfall-bar seg-${segment.name}`}
              style={{ left: `${segment.offset * 100}%`, width: `max(2px, ${segment.width * 100}%)` }}
              title={`${formatDuration(segment.startMs)} → ${formatDuration(segment.endMs)}`}
            />
          </span>
          <span className="waterfall-ms">{formatDuration(segment.endMs - segment.startMs)}</span>
        </div>
      ))}
      <div className="waterfall-total">
        {waterfall.complete ? 'Done' : 'So far'}: {formatDuration(waterfall.totalMs)}
      </div>
    </div>
  );
}
