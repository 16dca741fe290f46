/** An HTTP status coloured by class; pending and failed exchanges say so instead. */
import type { ExchangeOutcome } from '@contract';
import { statusClassOf } from '../../model/filters';

export function StatusCode(props: { status: number; outcome: ExchangeOutcome }) {
  const { status, outcome } = props;
  if (outcome === 'pending') return <span className="status status-pending">…</span>;
  if (!status) return <span className={`status status-none outcome-${outcome}`}>{shortOutcome(outcome)}</span>;
  return <span className={`status status-${statusClassOf(status)}`}>{status}</span>;
}

function shortOutcome(outcome: ExchangeOutcome): string {
  switch (outcome) {
    case 'crash':
      return 'crash';
    case 'timeout':
      return 'timeout';
    case 'client-gone':
      return 'gone';
    case 'aborted':
      return 'aborted';
    case 'rejected':
      return 'rejected';
    default:
      return 'error';
  }
}
