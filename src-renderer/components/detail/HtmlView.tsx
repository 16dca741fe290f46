/**
 * HTML rendered in a sandboxed iframe (sandbox="": no scripts, no forms, no same-origin) next
 * to its source. The page's CSP applies to srcdoc frames too, so nothing loads from outside.
 */
import { useState } from 'react';

export function HtmlView({ html }: { html: string }) {
  const [mode, setMode] = useState<'rendered' | 'source'>('rendered');
  return (
    <div className="html-view">
      <div className="viewer-switch" role="group" aria-label="HTML view">
        <button type="button" className={`chip${mode === 'rendered' ? ' on' : ''}`} aria-pressed={mode === 'rendered'} onClick={() => setMode('rendered')}>
          Rendered
        </button>
        <button type="button" className={`chip${mode === 'source' ? ' on' : ''}`} aria-pressed={mode === 'source'} onClick={() => setMode('source')}>
          Source
        </button>
      </div>
      {mode === 'rendered' ? (
        <iframe className="html-frame" data-testid="body-html" sandbox="" srcDoc={html} title="Rendered HTML (sandboxed, scripts off)" />
      ) : (
        <pre className="body-text" data-testid="body-text">
          {html}
        </pre>
      )}
    </div>
  );
}
