/** Opening a project: the native folder dialog in the desktop app, a command to run in a browser. */
import { useState } from 'react';
import type { DesktopApi } from '@contract';
import { notify } from '../../stores/notices/store';
import { CopyButton } from '../common/CopyButton';

/** Why the browser's Open is disabled (there is no command to open a project from a page). */
export const BROWSER_CANNOT_OPEN = 'Opening a project from the browser is not available: run `forkwatch serve <folder> --ui`, or use the desktop app.';

export function DesktopOpenProject({ desktop }: { desktop: DesktopApi }) {
  const [busy, setBusy] = useState(false);
  return (
    <div className="open-project">
      <button
        type="button"
        className="primary"
        data-testid="open-project"
        disabled={busy}
        onClick={async () => {
          setBusy(true);
          try {
            // On success the window reloads onto the new project.
            await desktop.openFolder();
          } catch (error) {
            notify('error', `Could not open the folder: ${error instanceof Error ? error.message : String(error)}`);
          } finally {
            setBusy(false);
          }
        }}
      >
        {busy ? 'Opening…' : 'Open folder…'}
      </button>
    </div>
  );
}

export function BrowserOpenProject() {
  const [path, setPath] = useState('');
  return (
    <>
      <form className="open-project" onSubmit={(e) => e.preventDefault()}>
        <label htmlFor="project-path">Project folder</label>
        <input id="project-path" data-testid="project-path" value={path} onChange={(e) => setPath(e.target.value)} placeholder="/path/to/project" spellCheck={false} />
        {/* A disabled button shows no tooltip in most browsers: the wrapper carries it. */}
        <span title={BROWSER_CANNOT_OPEN}>
          <button type="submit" data-testid="open-project" disabled>
            Open
          </button>
        </span>
      </form>
      <p className="muted">
        From a terminal: <code>forkwatch serve {path || '<folder>'} --ui</code>{' '}
        <CopyButton text={`forkwatch serve ${path || '.'} --ui`} what="command" testId="copy-serve-command" />
      </p>
    </>
  );
}
