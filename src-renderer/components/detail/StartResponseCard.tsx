/**
 * What the app passed to start_response (every call, in order: PEP 3333 allows another call
 * with exc_info), and what went on the wire, the server's additions marked.
 */
import type { ExchangeView } from '../../model/exchange-view';
import { HeaderTable } from '../common/HeaderTable';
import { Traceback } from '../common/Traceback';

export function StartResponseCard({ view }: { view: ExchangeView }) {
  return (
    <div className="card start-response-card">
      {view.startResponse.length === 0 && <p className="muted" data-testid="no-start-response">The app never called start_response.</p>}
      {view.startResponse.map((call, i) => (
        <section key={i} className="start-response-call" data-testid="start-response-call">
          {view.startResponse.length > 1 && <h3>Call {i + 1} of {view.startResponse.length}</h3>}
          <p className="status-line" data-testid="status-line">
            {call.status}
          </p>
          <HeaderTable headers={call.headers.map(([name, value]) => ({ name, value }))} testId="app-headers" empty="No headers." />
          {call.excInfo && (
            <>
              <h4>exc_info: {call.excInfo.type}: {call.excInfo.message}</h4>
              <Traceback text={call.excInfo.traceback} testId="exc-info-traceback" />
            </>
          )}
        </section>
      ))}
      {view.usedWrite && <p className="note">The app used the write() callable that start_response returns (deprecated by PEP 3333).</p>}
      <section className="wire">
        <h3>On the wire</h3>
        {view.responseStatus ? (
          <>
            <p className="status-line wire-status" data-testid="wire-status-line">
              HTTP/{view.httpVersion} {view.responseStatus}
            </p>
            <HeaderTable headers={view.responseHeaders} testId="wire-headers" />
          </>
        ) : (
          <p className="muted">No response was sent.</p>
        )}
      </section>
    </div>
  );
}
