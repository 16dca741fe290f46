/**
 * Shown when there is no server to inspect: open a project folder, a recent one, or an example.
 * The desktop shell can open folders (native dialog, recent list); a browser page cannot, so
 * there the actions are shown disabled with the command to run instead.
 */
import { useServer, useSnapshotError } from '../../stores/server/hooks';
import { useDesktop } from '../../session/client-context';
import { BrowserOpenProject, DesktopOpenProject } from './OpenProject';
import { BrowserRecentProjects, DesktopRecentProjects } from './RecentProjects';

export const BUNDLED_EXAMPLES = [
  { name: 'hello', description: 'The smallest WSGI app: one plain-text response.' },
  { name: 'flask-todo', description: 'Flask: a JSON API, a form, a template and logging.' },
  { name: 'django-notes', description: 'Django: a small notes project.' },
];

export function StartScreen() {
  const desktop = useDesktop();
  const server = useServer();
  const error = useSnapshotError();
  return (
    <main className="start-screen" data-testid="start-screen">
      <h1>Forkwatch</h1>
      <p className="lead">
        {server?.state === 'stopped' ? 'The server has stopped.' : 'No project is open.'} Open a folder with a WSGI app (app.py, wsgi.py or a Django project).
      </p>
      {error && !server && <p className="muted">{error}</p>}
      {desktop ? <DesktopOpenProject desktop={desktop} /> : <BrowserOpenProject />}
      {desktop ? <DesktopRecentProjects desktop={desktop} /> : <BrowserRecentProjects />}
      <section>
        <h2>Examples</h2>
        <ul className="project-list">
          {BUNDLED_EXAMPLES.map((example) => (
            <li key={example.name} data-testid="example-project">
              <strong>{example.name}</strong> <span className="muted">{example.description}</span>
              <div>
                {desktop ? (
                  <span className="muted">
                    Open the folder <code>resources/examples/{example.name}</code> of your Forkwatch install.
                  </span>
                ) : (
                  <code>forkwatch serve resources/examples/{example.name} --ui</code>
                )}
              </div>
            </li>
          ))}
        </ul>
      </section>
    </main>
  );
}
