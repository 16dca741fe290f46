/**
 * Finds what to run in a project folder: the interpreter and the app spec, the way a developer
 * would by hand (gunicorn needs both spelled out; we guess, and say what we guessed).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

/** `--python`, else the project's .venv or venv, else python3 on PATH. */
export function resolvePython(projectDir: string, explicit?: string): string {
  if (explicit) return explicit;
  const bin = process.platform === 'win32' ? path.join('Scripts', 'python.exe') : path.join('bin', 'python');
  for (const venv of ['.venv', 'venv']) {
    const candidate = path.join(projectDir, venv, bin);
    if (existsSync(candidate)) return candidate;
  }
  return 'python3';
}

/**
 * `--app`, else a guess: a Django project's <pkg>/wsgi.py, then wsgi.py, app.py, main.py at the
 * top, with the callable the file defines (`application` or `app`).
 */
export function resolveAppSpec(projectDir: string, explicit?: string): string {
  if (explicit) return explicit;
  for (const entry of safeReaddir(projectDir)) {
    const wsgi = path.join(projectDir, entry, 'wsgi.py');
    if (existsSync(path.join(projectDir, entry, 'settings.py')) && existsSync(wsgi)) return `${entry}.wsgi:${callableIn(wsgi)}`;
  }
  for (const module of ['wsgi', 'app', 'main', 'application']) {
    const file = path.join(projectDir, `${module}.py`);
    if (existsSync(file)) return `${module}:${callableIn(file)}`;
  }
  throw new Error(`no WSGI app found in ${projectDir}: pass --app module:callable`);
}

function callableIn(file: string): string {
  const source = readFileSync(file, 'utf8');
  if (/^(application)\s*=|^def application\b/m.test(source)) return 'application';
  if (/^(app)\s*=|^def app\b/m.test(source)) return 'app';
  return 'application';
}

function safeReaddir(dir: string): string[] {
  try {
    return readdirSync(dir, { withFileTypes: true })
      .filter((entry) => entry.isDirectory() && !entry.name.startsWith('.'))
      .map((entry) => entry.name);
  } catch {
    return [];
  }
}
