/** Sparkline geometry for a short series of samples (RSS per worker). Pure. */

/** An SVG path ("M x y L x y ...") through the samples, scaled to width x height. */
export function sparklinePath(samples: readonly number[], width: number, height: number): string {
  if (samples.length === 0) return '';
  const min = Math.min(...samples);
  const max = Math.max(...samples);
  const span = max - min || 1;
  const step = samples.length > 1 ? width / (samples.length - 1) : 0;
  return samples
    .map((value, i) => {
      const x = samples.length > 1 ? i * step : width;
      // A flat series sits in the middle; otherwise min at the bottom, max at the top (1px margin).
      const y = max === min ? height / 2 : 1 + (height - 2) * (1 - (value - min) / span);
      return `${i === 0 ? 'M' : 'L'}${x.toFixed(1)} ${y.toFixed(1)}`;
    })
    .join(' ');
}

/** Appends a sample to a bounded history in place; returns it. */
export function pushSample(history: number[], value: number, max: number): number[] {
  history.push(value);
  if (history.length > max) history.splice(0, history.length - max);
  return history;
}
