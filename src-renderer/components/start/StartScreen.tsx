/**
 * Shown when there is no server to inspect: open a project folder, a recent one, or an example.
 * The contract has no command to open a project yet, so the actions are shown but disabled.
 */
import { useMemo, useState } from 'react';
import { loadRecentProjects } from '../../session/recent-projects';
import { CopyButton } from '../common/CopyButton';

export const BUNDLED_EXAMPLES = [
  { name: 'hello', description: 'The smallest WSGI app: one plain-text response.' },
  { name: 'flask-todo', description: 'Flask: a JSON API, a form, a template and logging.' },
  { name: 'django-notes', description: 'Django: a small notes project.' },
];

const NOT_YET = 'Opening a project from here is not available yet: run `forkwatch serve <folder> --ui` instead.';

export function StartScreen() {
  const [path, setPath] = useState('');
  const recent = useMemo(() => loadRecentProjects(), []);
  return (
    <main className="start-screen" data-testid="start-screen">
      <h1>Forkwatch</h1>
      <p className="lead">No server is running. Open a folder with a WSGI app (app.py, wsgi.py or a Django project).</p>
      <form className="open-project" onSubmit={(e) => e.preventDefault()}>
        <label htmlFor="project-path">Project folder</label>
        <input id="project-path" data-testid="project-path" value={path} onChange={(e) => setPath(e.target.value)} placeholder="/path/to/project" spellCheck={false} />
        {/* A disabled button shows no tooltip in most browsers: the wrapper carries it. */}
        <span title={NOT_YET}>
          <button type="submit" data-testid="open-project" disabled>
            Open
          </button>
        </span>
      </form>
      <p className="muted">
        From a terminal: <code>forkwatch serve {path || '<folder>'} --ui</code> <CopyButton text={`forkwatch serve ${path || '.'} --ui`} what="command" testId="copy-serve-command" />
      </p>
      {recent.length > 0 && (
        <section>
          <h2>Recent projects</h2>
          <ul className="project-list">
            {recent.map((p) => (
              <li key={p.projectDir} data-testid="recent-project" title={NOT_YET}>
                <code>{p.projectDir}</code> <span className="muted">{p.app}</span>
              </li>
            ))}
          </ul>
        </section>
      )}
      <section>
        <h2>Examples</h2>
        <ul className="project-list">
          {BUNDLED_EXAMPLES.map((example) => (
            <li key={example.name} data-testid="example-project" title={NOT_YET}>
              <strong>{example.name}</strong> <span className="muted">{example.description}</span>
              <div>
                <code>forkwatch serve resources/examples/{example.name} --ui</code>
              </div>
            </li>
          ))}
        </ul>
      </section>
    </main>
  );
}
