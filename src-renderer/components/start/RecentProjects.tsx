/** Recent projects: the desktop shell's list (openable), or the ones this browser has seen. */
import { useEffect, useMemo, useState } from 'react';
import type { DesktopApi } from '@contract';
import { loadRecentProjects } from '../../session/recent-projects';
import { notify } from '../../stores/notices/store';
import { BROWSER_CANNOT_OPEN } from './OpenProject';

export function DesktopRecentProjects({ desktop }: { desktop: DesktopApi }) {
  const [folders, setFolders] = useState<string[]>([]);
  useEffect(() => {
    desktop.recentProjects().then(setFolders, () => setFolders([]));
  }, [desktop]);
  if (folders.length === 0) return null;
  return (
    <section>
      <h2>Recent projects</h2>
      <ul className="project-list">
        {folders.map((folder) => (
          <li key={folder} data-testid="recent-project">
            <button
              type="button"
              className="link"
              onClick={() => desktop.openRecent(folder).catch((error: unknown) => notify('error', `Could not open ${folder}: ${error instanceof Error ? error.message : String(error)}`))}
            >
              <code>{folder}</code>
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}

export function BrowserRecentProjects() {
  const recent = useMemo(() => loadRecentProjects(), []);
  if (recent.length === 0) return null;
  return (
    <section>
      <h2>Recent projects</h2>
      <ul className="project-list">
        {recent.map((p) => (
          <li key={p.projectDir} data-testid="recent-project" title={BROWSER_CANNOT_OPEN}>
            <code>{p.projectDir}</code> <span className="muted">{p.app}</span>
          </li>
        ))}
      </ul>
    </section>
  );
}
