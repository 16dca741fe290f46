/** What went wrong: the app's traceback, the stack of a timed-out worker, a crash's exit. */
import type { ExchangeView } from '../../model/exchange-view';
import { outcomeLabel } from '../../model/outcome';
import { Traceback } from '../common/Traceback';

export function ErrorCard({ view }: { view: ExchangeView }) {
  const { error } = view;
  if (!error) {
    return (
      <p className="muted card" data-testid="no-error">
        {noErrorText(view)}
      </p>
    );
  }
  return (
    <div className="card error-card" data-testid="error-card">
      <p className="error-outcome">{outcomeLabel(view.outcome)}</p>
      {error.exception && (
        <section>
          <h3>
            {error.exception.type}: {error.exception.message}
          </h3>
          {error.exception.filename && (
            <p className="muted">
              at {error.exception.filename}
              {error.exception.lineno !== undefined && `:${error.exception.lineno}`}
            </p>
          )}
          <Traceback text={error.exception.traceback} testId="error-traceback" />
        </section>
      )}
      {error.timeoutStack && (
        <section>
          <h3>Where the worker was when it timed out</h3>
          <Traceback text={error.timeoutStack} testId="timeout-stack" />
        </section>
      )}
      {error.exit && (
        <section data-testid="worker-exit">
          <h3>The worker exited</h3>
          <p>{error.exit.signal ? `Killed by ${error.exit.signal}` : `Exit code ${error.exit.code ?? 'unknown'}`}</p>
        </section>
      )}
    </div>
  );
}

function noErrorText(view: ExchangeView): string {
  if (view.outcome === 'pending') return 'Still running.';
  if (view.outcome !== 'ok') return `${outcomeLabel(view.outcome)}; no traceback was recorded.`;
  // Frameworks catch exceptions themselves and answer 500: the traceback is in what they logged.
  if (view.status >= 500) return `No exception reached the server: the app handled it and answered ${view.status}. ${view.logs.length > 0 ? 'See the Logs tab for what it logged.' : ''}`;
  return 'No error.';
}
