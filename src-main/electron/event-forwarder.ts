/**
 * The host's batched events to one renderer: the host's subscribe delivers a batch as a burst of
 * up to six synchronous calls; they leave as one IPC message (`forkwatch:event`, an array).
 */
import type { InspectorEvent } from '@contract';
import type { InspectorHost } from '../host/inspector-host';

/** Returns the unsubscribe function. */
export function forwardEvents(
  host: Pick<InspectorHost, 'subscribe'>,
  send: (batch: InspectorEvent[]) => void,
  schedule: (flush: () => void) => void = queueMicrotask,
): () => void {
  let pending: InspectorEvent[] = [];
  let stopped = false;
  const flush = () => {
    const batch = pending;
    pending = [];
    if (!stopped && batch.length > 0) send(batch);
  };
  const unsubscribe = host.subscribe((event) => {
    if (pending.length === 0) schedule(flush);
    pending.push(event);
  });
  return () => {
    stopped = true;
    pending = [];
    unsubscribe();
  };
}
