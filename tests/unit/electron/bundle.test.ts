/**
 * The real electron-vite build (electron.vite.config.ts) into a scratch folder: the sandboxed
 * preload must be CommonJS requiring nothing but `electron`, and the main bundle must import
 * nothing a packaged app would lack (only Node built-ins and `electron`: no node_modules).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
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

  it('emits a main bundle that imports only Node built-ins and electron', () => {
    const main = readFileSync(path.join(outDir, 'main/index.js'), 'utf8');
    const imported = [...main.matchAll(/^import\s[^'"]*["']([^"']+)["']/gm), ...main.matchAll(/\bimport\(\s*["']([^"']+)["']\s*\)/g)].map((m) => m[1]);
    expect(imported.length).toBeGreaterThan(0);
    for (const specifier of imported) expect(specifier === 'electron' || specifier.startsWith('node:'), specifier).toBe(true);
    expect(main).not.toMatch(/\brequire\(/);
  });

  it('finds the Python worker two folders above out/main, as in the checkout', () => {
    const main = readFileSync(path.join(outDir, 'main/index.js'), 'utf8');
    expect(main).toContain('new URL("../../resources/python/forkwatch_worker/__main__.py", import.meta.url)');
  });

  it('builds the renderer page', () => {
    expect(readFileSync(path.join(outDir, 'renderer/index.html'), 'utf8')).toContain('<div id="root">');
  });
});
