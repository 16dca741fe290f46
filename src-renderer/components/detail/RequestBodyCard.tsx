/** The request as the client sent it: headers, then the body (forms parsed into fields). */
import type { ExchangeView } from '../../model/exchange-view';
import { formatBytes } from '../../model/format';
import { HeaderTable } from '../common/HeaderTable';
import { BodyViewer } from './BodyViewer';

export function RequestBodyCard({ view }: { view: ExchangeView }) {
  const { requestBody, requestBytesRead } = view;
  return (
    <div className="card body-card">
      <h3>Request headers</h3>
      <HeaderTable headers={view.requestHeaders.map(([name, value]) => ({ name, value }))} testId="request-headers" />
      <h3>Body</h3>
      {requestBody.size > 0 && requestBytesRead < requestBody.size && (
        <p className="note">The app read {formatBytes(requestBytesRead)} of the {formatBytes(requestBody.size)} body from wsgi.input.</p>
      )}
      <BodyViewer body={requestBody} what="request" />
    </div>
  );
}
