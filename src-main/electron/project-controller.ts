/**
 * Which project the window shows, and switching between projects: one switch at a time (a newer
 * request supersedes one still waiting), the new folder checked before the open project is
 * closed, the old gateway stopped (port freed) before the new one starts. No Electron here:
 * the shell reacts through `onChange` and `onError`.
 */
import type { InspectorHost } from '../host/inspector-host';
import type { StopOutcome } from './shutdown';
import type { ServeConfig } from '../cli/args';
import { samePath } from './settings-store';

/** What the controller needs of a session (project-session.ts's ProjectSession has it all). */
export interface SessionLike {
  readonly folder: string;
  readonly status: 'starting' | 'running' | 'failed' | 'closing' | 'closed';
  readonly host: Pick<InspectorHost, 'commands' | 'subscribe'>;
  readonly gateway: { readonly url: string };
  close(): Promise<StopOutcome>;
}

export interface ResolvedProject {
  config: Pick<ServeConfig, 'projectDir'>;
}

export interface ProjectControllerDeps<R extends ResolvedProject, S extends SessionLike> {
  /** The serve config for a folder and its options (project-session.ts resolveSessionConfig). */
  resolve(folder: string, serveOptions: readonly string[]): R;
  /** Why the folder cannot be served, or null (checkProject). */
  check(resolved: R): string | null;
  /** Builds and starts the session (openProjectSession); may throw. */
  open(resolved: R): Promise<S>;
  /** The current session changed (null: none open). */
  onChange(session: S | null): void;
  /** A folder could not be opened; the current project, if any, is still open. */
  onError(folder: string, message: string): void;
  recent: { add(folder: string): void; remove(folder: string): void };
}

export interface ProjectController<S extends SessionLike> {
  readonly current: S | null;
  /**
   * Opens `folder` in place of the current project. Resolves true when it is (or already was)
   * the open project, false when it could not be opened or a newer request superseded it.
   */
  open(folder: string, serveOptions?: readonly string[]): Promise<boolean>;
  /** Reload App: the arbiter reloads its workers; a project that failed to start is opened anew. */
  reload(): Promise<void>;
  /** Closes the current project for good (quitting): later opens are refused. */
  close(): Promise<StopOutcome | null>;
}

export function createProjectController<R extends ResolvedProject, S extends SessionLike>(
  deps: ProjectControllerDeps<R, S>,
): ProjectController<S> {
  let current: S | null = null;
  let currentOptions: readonly string[] = [];
  let queue: Promise<unknown> = Promise.resolve();
  let latest = 0;
  let closed = false;

  const switchTo = async (ticket: number, folder: string, serveOptions: readonly string[], force: boolean): Promise<boolean> => {
    if (ticket !== latest || closed) return false;
    let resolved: R;
    try {
      resolved = deps.resolve(folder, serveOptions);
    } catch (error) {
      deps.onError(folder, (error as Error).message);
      return false;
    }
    const target = resolved.config.projectDir;
    if (!force && current && samePath(current.folder, target) && current.status !== 'failed' && serveOptions.length === 0) return true;
    const problem = deps.check(resolved);
    if (problem) {
      if (/does not exist/.test(problem)) deps.recent.remove(target);
      deps.onError(target, problem);
      return false;
    }
    if (current) {
      await current.close();
      current = null;
    }
    let session: S;
    try {
      session = await deps.open(resolved);
    } catch (error) {
      deps.onChange(null);
      deps.onError(target, (error as Error).message);
      return false;
    }
    if (closed) {
      // Quit while this one was opening: close() already ran past it.
      await session.close();
      return false;
    }
    current = session;
    currentOptions = serveOptions;
    deps.recent.add(session.folder);
    deps.onChange(session);
    return true;
  };

  const enqueue = <T>(work: () => Promise<T>): Promise<T> => {
    const result = queue.then(work);
    queue = result.catch(() => {});
    return result;
  };

  const open = (folder: string, serveOptions: readonly string[], force: boolean) => {
    const ticket = ++latest;
    return enqueue(() => switchTo(ticket, folder, serveOptions, force));
  };

  return {
    get current() {
      return current;
    },
    open(folder, serveOptions = []) {
      return open(folder, serveOptions, false);
    },
    async reload() {
      const session = current;
      if (!session) return;
      if (session.status === 'failed') await open(session.folder, currentOptions, true);
      else await session.host.commands.reload();
    },
    close() {
      closed = true;
      latest++;
      return enqueue(async () => {
        const session = current;
        if (!session) return null;
        return session.close();
      });
    },
  };
}
