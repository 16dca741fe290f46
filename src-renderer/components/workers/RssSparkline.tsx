/**
 * RSS over the last minute. Redrawn through a transient store subscription (zustand
 * "Transient updates"): a new sample changes the path's `d` attribute, with no React render.
 */
import { useEffect, useRef } from 'react';
import { formatBytes } from '../../model/format';
import { sparklinePath } from '../../model/sparkline';
import { getRssHistory } from '../../stores/workers/rss-history';
import { useWorkersStore } from '../../stores/workers/store';

const WIDTH = 120;
const HEIGHT = 24;

export function RssSparkline({ pid }: { pid: number }) {
  const path = useRef<SVGPathElement>(null);
  const title = useRef<HTMLTitleElement>(null);
  useEffect(() => {
    const draw = () => {
      const samples = getRssHistory(pid);
      path.current?.setAttribute('d', sparklinePath(samples, WIDTH, HEIGHT));
      if (title.current && samples.length > 0) {
        title.current.textContent = `RSS ${formatBytes(samples[samples.length - 1])} (min ${formatBytes(Math.min(...samples))}, max ${formatBytes(Math.max(...samples))})`;
      }
    };
    draw();
    return useWorkersStore.subscribe((state, previous) => {
      if (state.workers !== previous.workers) draw();
    });
  }, [pid]);
  return (
    <svg className="sparkline" data-testid="worker-rss-sparkline" width={WIDTH} height={HEIGHT} viewBox={`0 0 ${WIDTH} ${HEIGHT}`} aria-hidden="false" role="img">
      <title ref={title}>RSS</title>
      <path ref={path} fill="none" />
    </svg>
  );
}
