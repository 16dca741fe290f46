/**
 * The real electron-vite build (electron.vite.config.ts) into a scratch folder: the sandboxed
 * preload must be CommonJS requiring nothing but `electron`, and the main bundle must import
 * nothing a packaged app would lack: Node built-ins, `electron`, and the production
 * dependencies electron-builder ships (package.json "dependencies", less the CLI-only tsx).
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '../../..');
const outDir = mkdtempSync(path.join(os.tmpdir(), 'forkwatch-bundle-'));

beforeAll(async () => {
  const { build } = await import('electron-vite');
  await build({ root, configFile: path.join(root, 'electron.vite.config.ts'), logLevel: 'silent', build: { outDir } });
}, 60_000);
afterAll(() => rmSync(outDir, { recursive: true, force: true }));

describe('electron-vite build', () => {
  it('emits a CommonJS preload that requires only electron', () => {
    const preload = readFileSync(path.join(outDir, 'preload/index.cjs'), 'utf8');
    const required = [...preload.matchAll(/require\(\s*["']([^"']+)["']\s*\)/g)].map((match) => match[1]);
    expect(required).toEqual(['electron']);
    expect(preload).not.toMatch(/^\s*import\s|^\s*export\s/m);
    expect(preload).toContain('exposeInMainWorld');
  });

  it('emits a main bundle that imports only Node built-ins, electron and shipped dependencies', () => {
    const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
    const shipped = new Set(Object.keys(pkg.dependencies).filter((name) => name !== 'tsx'));
    const chunks = readdirSync(path.join(outDir, 'main')).filter((file) => file.endsWith('.js'));
    const imported = chunks.flatMap((file) => {
      const code = readFileSync(path.join(outDir, 'main', file), 'utf8');
      expect(code, file).not.toMatch(/\brequire\(/);
      return [...code.matchAll(/^import\s[^'"]*["']([^"']+)["']/gm), ...code.matchAll(/\bimport\(\s*["']([^"']+)["']\s*\)/g)].map((m) => m[1]);
    });
    expect(imported).toContain('electron');
    for (const specifier of imported) {
      if (specifier.startsWith('node:') || specifier.startsWith('./') || specifier === 'electron') continue;
      const name = specifier.startsWith('@') ? specifier.split('/').slice(0, 2).join('/') : specifier.split('/')[0];
      expect(shipped.has(name), `${specifier} is not a shipped dependency`).toBe(true);
    }
  });

  it('finds the Python worker two folders above out/main, as in the checkout', () => {
    const main = readFileSync(path.join(outDir, 'main/index.js'), 'utf8');
    expect(main).toContain('new URL("../../resources/python/forkwatch_worker/__main__.py", import.meta.url)');
  });

  it('builds the renderer page', () => {
    expect(readFileSync(path.join(outDir, 'renderer/index.html'), 'utf8')).toContain('<div id="root">');
  });
});
