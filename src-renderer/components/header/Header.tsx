/** The top bar: which project, which interpreter, where it listens, and the server controls. */
import { useServer } from '../../stores/server/hooks';
import { ConnectionIndicator } from './ConnectionIndicator';
import { ReloadButton } from './ReloadButton';
import { WorkerCountControl } from './WorkerCountControl';

export function Header() {
  const server = useServer();
  return (
    <header className="app-header">
      <div className="brand">Forkwatch</div>
      {server && (
        <>
          <div className="header-project">
            <span className="project-dir" data-testid="project-dir" title={server.projectDir}>
              {shortenPath(server.projectDir)}
            </span>
            <span className="app-spec" data-testid="app-spec" title="WSGI app">
              {server.app}
            </span>
            <span className="python" data-testid="python-version" title={server.python}>
              {basename(server.python)} {server.pythonVersion}
            </span>
          </div>
          <a className="server-url" data-testid="server-url" href={server.url} target="_blank" rel="noreferrer noopener" title="Open in a new tab">
            {server.url}
          </a>
          <span className={`server-state state-${server.state}`} data-testid="server-state" data-state={server.state}>
            {server.state}
            {server.generation > 0 && <span className="generation"> · gen {server.generation}</span>}
          </span>
          <div className="header-controls">
            <ReloadButton state={server.state} />
            <WorkerCountControl count={server.workerCount} />
          </div>
        </>
      )}
      <ConnectionIndicator />
    </header>
  );
}

/** A long path keeps its end, the part that names the project: "…/examples/flask-todo". */
export function shortenPath(path: string, max = 48): string {
  return path.length <= max ? path : `…${path.slice(path.length - max + 1)}`;
}

function basename(path: string): string {
  return path.split(/[\\/]/).pop() || path;
}
