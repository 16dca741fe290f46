/** Words for an exchange's outcome. Pure. */
import type { ExchangeOutcome } from '@contract';

export const OUTCOME_LABELS: Record<ExchangeOutcome, string> = {
  pending: 'Pending',
  ok: 'Completed',
  'app-error': 'The app raised an exception',
  'app-error-after-headers': 'The app raised after the headers were sent',
  violation: 'PEP 3333 violation',
  crash: 'The worker crashed',
  timeout: 'Timed out: the worker was killed',
  'client-gone': 'The client went away',
  aborted: 'Aborted',
  rejected: 'Rejected before reaching the app',
};

export function outcomeLabel(outcome: ExchangeOutcome): string {
  return OUTCOME_LABELS[outcome] ?? outcome;
}
