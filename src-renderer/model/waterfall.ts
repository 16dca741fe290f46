/**
 * The timing waterfall: the moments the gateway recorded (ms from `accepted`) as segments.
 *   queue       accepted -> dispatched to a worker
 *   app         dispatched -> start_response called
 *   first byte  start_response -> first body byte on the wire
 *   body        first byte -> complete
 * A moment that never happened (no start_response before a crash) has no segment; the next
 * recorded moment's segment starts where the last one ended. Pure.
 */
import type { ExchangeTimings } from '@contract';

export type SegmentName = 'queue' | 'app' | 'first-byte' | 'body';

export interface WaterfallSegment {
  name: SegmentName;
  label: string;
  startMs: number;
  endMs: number;
  /** Fractions of the total, for drawing (0..1). */
  offset: number;
  width: number;
}

export interface Waterfall {
  segments: WaterfallSegment[];
  /** ms to the last recorded moment. */
  totalMs: number;
  complete: boolean;
}

const STEPS: { name: SegmentName; label: string; to: keyof ExchangeTimings }[] = [
  { name: 'queue', label: 'Queued (until dispatched to a worker)', to: 'dispatched' },
  { name: 'app', label: 'App (until start_response)', to: 'startResponse' },
  { name: 'first-byte', label: 'First byte', to: 'firstByte' },
  { name: 'body', label: 'Body (until done)', to: 'complete' },
];

export function buildWaterfall(timings: ExchangeTimings): Waterfall {
  const moments = STEPS.map((s) => timings[s.to]).filter((v): v is number => typeof v === 'number');
  const totalMs = Math.max(0, timings.complete ?? (moments.length ? Math.max(...moments) : 0));
  const segments: WaterfallSegment[] = [];
  // Relative times: `accepted` is the epoch stamp, the others ms after it.
  let previous = 0;
  for (const step of STEPS) {
    const end = timings[step.to];
    if (typeof end !== 'number') continue;
    const startMs = previous;
    const endMs = Math.max(end, startMs);
    segments.push({
      name: step.name,
      label: step.label,
      startMs,
      endMs,
      offset: totalMs > 0 ? startMs / totalMs : 0,
      width: totalMs > 0 ? (endMs - startMs) / totalMs : 0,
    });
    previous = endMs;
  }
  return { segments, totalMs, complete: typeof timings.complete === 'number' };
}
