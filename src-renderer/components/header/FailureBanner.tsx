/** A failed boot or reload: the traceback, and that the previous code still serves. */
import { useState } from 'react';
import { formatClock } from '../../model/format';
import { useFailure, useServer } from '../../stores/server/hooks';
import { Traceback } from '../common/Traceback';

export function FailureBanner() {
  const failure = useFailure();
  const server = useServer();
  const [open, setOpen] = useState(true);
  if (!failure || !server) return null;
  // A failed first boot has no previous version to fall back on.
  const stillServing = server.state !== 'failed' && server.generation > 0;
  const headline = failure.error ? `${failure.error.type}: ${failure.error.message}` : failure.reason;
  return (
    <section className="banner banner-error" data-testid="failure-banner" role="alert">
      <div className="banner-head">
        <strong>{headline}</strong>
        <span className="muted"> at {formatClock(failure.at)}</span>
        <button type="button" className="link" onClick={() => setOpen(!open)}>
          {open ? 'Hide traceback' : 'Show traceback'}
        </button>
      </div>
      <p>
        {stillServing
          ? `The reload failed: the previous version (generation ${server.generation}) still serves requests. Fix the code and save, or press Reload.`
          : 'The app could not start. Fix the code and save, or press Reload.'}
        {failure.reason && !failure.reason.includes(headline) && <span className="muted"> ({failure.reason})</span>}
      </p>
      {open && failure.error?.traceback && <Traceback text={failure.error.traceback} testId="failure-traceback" />}
    </section>
  );
}
