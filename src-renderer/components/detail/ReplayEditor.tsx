/** Edit and replay: method, URL, headers, body and environ overrides, then send. */
import { useState } from 'react';
import type { ExchangeView } from '../../model/exchange-view';
import { buildReplayEdits, ENVIRON_OVERRIDE_KEYS, initialReplayForm, type ReplayForm } from '../../model/replay';
import { useCommand } from '../../session/commands';
import { useExchangeDetail } from '../../stores/details/hooks';
import { selectExchange, showExchangeDetail } from '../../stores/selection/store';
import { EmptyState } from '../common/EmptyState';

export function ReplayEditor({ id }: { id: number }) {
  const entry = useExchangeDetail(id);
  if (entry?.status !== 'loaded') return <EmptyState title={`Loading request #${id}…`} />;
  return <ReplayFormView key={id} view={entry.view} />;
}

function ReplayFormView({ view }: { view: ExchangeView }) {
  const run = useCommand();
  const [form, setForm] = useState<ReplayForm>(() => initialReplayForm(view));
  const [error, setError] = useState<string | null>(null);
  const [sending, setSending] = useState(false);
  const update = (patch: Partial<ReplayForm>) => setForm((f) => ({ ...f, ...patch }));
  const submit = async (event: React.FormEvent) => {
    event.preventDefault();
    const edits = buildReplayEdits(view, form);
    if (!edits.ok) return setError(edits.error);
    setError(null);
    setSending(true);
    const newId = await run('replay', view.id, edits.value);
    setSending(false);
    if (newId !== undefined) selectExchange(newId);
  };
  return (
    <form className="replay-form" data-testid="replay-form" onSubmit={submit}>
      <div className="detail-head">
        <h2>Edit and replay #{view.id}</h2>
        <button type="button" className="link" onClick={showExchangeDetail}>
          Back
        </button>
      </div>
      <div className="form-row">
        <input aria-label="Method" className="method-input" data-testid="replay-method" value={form.method} onChange={(e) => update({ method: e.target.value })} />
        <input aria-label="URL (path and query)" className="url-input" data-testid="replay-url" value={form.url} onChange={(e) => update({ url: e.target.value })} spellCheck={false} />
      </div>
      <label>
        Headers <span className="muted">(one "Name: value" a line)</span>
        <textarea data-testid="replay-headers" rows={6} value={form.headers} onChange={(e) => update({ headers: e.target.value })} spellCheck={false} />
      </label>
      <label>
        Body
        {form.body === null ? (
          <div className="note">
            The original body is binary and is sent unchanged.{' '}
            <button type="button" className="link" onClick={() => update({ body: '' })}>
              Replace it with text
            </button>
          </div>
        ) : (
          <textarea data-testid="replay-body" rows={6} value={form.body} onChange={(e) => update({ body: e.target.value })} spellCheck={false} />
        )}
      </label>
      <fieldset>
        <legend>Environ overrides (what an HTTP client cannot set)</legend>
        {ENVIRON_OVERRIDE_KEYS.map((key) => (
          <label key={key} className="form-row">
            <code>{key}</code>
            <input data-testid={`replay-environ-${key}`} value={form.environ[key]} onChange={(e) => update({ environ: { ...form.environ, [key]: e.target.value } })} spellCheck={false} />
          </label>
        ))}
        <label>
          More <span className="muted">(one KEY=value a line)</span>
          <textarea data-testid="replay-environ-extra" rows={2} value={form.extraEnviron} onChange={(e) => update({ extraEnviron: e.target.value })} spellCheck={false} />
        </label>
      </fieldset>
      {error && (
        <p className="form-error" role="alert" data-testid="replay-error">
          {error}
        </p>
      )}
      <div className="form-actions">
        <button type="submit" className="primary" data-testid="replay-submit" disabled={sending}>
          {sending ? 'Sending…' : 'Send'}
        </button>
        <button type="button" onClick={() => setForm(initialReplayForm(view))}>
          Reset
        </button>
      </div>
    </form>
  );
}
