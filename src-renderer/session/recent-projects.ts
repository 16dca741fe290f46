/** Recently served projects, remembered in localStorage for the start screen. */

export interface RecentProject {
  projectDir: string;
  app: string;
  /** Epoch ms last seen. */
  seenAt: number;
}

const KEY = 'forkwatch.recentProjects';
const LIMIT = 8;

export function loadRecentProjects(storage: Storage | undefined = globalThis.localStorage): RecentProject[] {
  try {
    const value = JSON.parse(storage?.getItem(KEY) ?? '[]') as unknown;
    if (!Array.isArray(value)) return [];
    return value.filter((p): p is RecentProject => typeof p?.projectDir === 'string' && typeof p?.app === 'string');
  } catch {
    return [];
  }
}

export function rememberProject(projectDir: string, app: string, storage: Storage | undefined = globalThis.localStorage): void {
  if (!storage) return;
  const rest = loadRecentProjects(storage).filter((p) => p.projectDir !== projectDir);
  try {
    storage.setItem(KEY, JSON.stringify([{ projectDir, app, seenAt: Date.now() }, ...rest].slice(0, LIMIT)));
  } catch {
    // Storage full or disabled: recent projects are a convenience.
  }
}
