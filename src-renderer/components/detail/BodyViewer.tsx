/**
 * A captured body: size and truncation, then the best viewer for its content type, with the
 * other viewers that fit one click away (JSON / HTML / image / form / text / hex).
 */
import { useEffect, useState } from 'react';
import type { BodyView, BodyViewer as ViewerName } from '../../model/body';
import { formatBytes } from '../../model/format';
import { FormFields, MultipartParts } from './FormFields';
import { ImageView } from './ImageView';
import { HexView } from './HexView';
import { HtmlView } from './HtmlView';
import { JsonTree } from './JsonTree';

const VIEWER_LABELS: Record<ViewerName, string> = {
  json: 'JSON',
  html: 'HTML',
  image: 'Image',
  form: 'Form fields',
  multipart: 'Parts',
  text: 'Text',
  hex: 'Hex',
};

export function BodyViewer({ body, what }: { body: BodyView; what: string }) {
  const [viewer, setViewer] = useState<ViewerName | undefined>(body.viewers[0]);
  // A different body (another request): back to its best viewer.
  useEffect(() => setViewer(body.viewers[0]), [body]);
  const active = viewer && body.viewers.includes(viewer) ? viewer : body.viewers[0];
  return (
    <div className="body-viewer">
      <div className="body-meta" data-testid="body-meta" data-truncated={body.truncated ? 'true' : 'false'}>
        <span>{body.contentType ?? 'no Content-Type'}</span>
        <span>{formatBytes(body.size)}</span>
        {body.truncated && (
          <span className="warning" data-testid="body-truncated">
            truncated: showing the first {formatBytes(body.captured)} of {formatBytes(body.size)}
          </span>
        )}
        {body.viewers.length > 1 && (
          <span className="viewer-switch" role="group" aria-label="View as">
            {body.viewers.map((name) => (
              <button key={name} type="button" className={`chip${name === active ? ' on' : ''}`} aria-pressed={name === active} data-testid={`viewer-${name}`} onClick={() => setViewer(name)}>
                {VIEWER_LABELS[name]}
              </button>
            ))}
          </span>
        )}
      </div>
      {body.jsonError && active !== 'hex' && <p className="note">{body.jsonError}</p>}
      {body.multipart?.problem && active === 'multipart' && <p className="note">{body.multipart.problem}</p>}
      {active === undefined ? <p className="muted" data-testid="body-empty">No {what} body.</p> : <Viewer name={active} body={body} />}
    </div>
  );
}

function Viewer({ name, body }: { name: ViewerName; body: BodyView }) {
  switch (name) {
    case 'json':
      return <JsonTree value={body.json!.value} />;
    case 'html':
      return <HtmlView html={body.text ?? ''} />;
    case 'image':
      return <ImageView body={body} />;
    case 'form':
      return <FormFields fields={body.form ?? []} />;
    case 'multipart':
      return <MultipartParts parts={body.multipart?.parts ?? []} />;
    case 'text':
      return (
        <pre className="body-text" data-testid="body-text">
          {body.text}
        </pre>
      );
    case 'hex':
      return <HexView bytes={body.bytes} />;
  }
}
