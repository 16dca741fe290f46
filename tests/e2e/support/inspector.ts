/**
 * End-to-end support: `forkwatch serve <example> --ui` as its own process, and Debian's
 * Chromium driven by playwright-core (never a downloaded browser) pointed at its inspector URL.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { REPO, startCli, type CliServer } from '../../integration/support/servers';

export const CHROMIUM = process.env.FORKWATCH_CHROMIUM ?? '/usr/bin/chromium';
export const SCREENSHOTS = path.join(REPO, 'test-results/screenshots');

let built = false;

/** The inspector page is the built renderer: build it once per run (a stale build would lie). */
export function ensureRendererBuilt(): void {
  if (built) return;
  built = true;
  execFileSync(process.execPath, [path.join(REPO, 'node_modules/electron-vite/bin/electron-vite.js'), 'build'], { cwd: REPO, stdio: 'pipe' });
}

export interface InspectorSession {
  cli: CliServer;
  /** The inspector page URL, token included. */
  inspectorUrl: string;
  browser: Browser;
  page: Page;
  screenshot(name: string): Promise<string>;
  close(): Promise<void>;
}

export async function openInspector(args: string[]): Promise<InspectorSession> {
  ensureRendererBuilt();
  const cli = await startCli([...args, '--ui']);
  const [, inspectorUrl] = await cli.waitForOutput(/Inspector: (http:\/\/\S+)/);
  // A browser that fails to start must not leave the server behind.
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
  }).catch(async (error: Error) => {
    await cli.stop();
    throw error;
  });
  const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  await page.goto(inspectorUrl);
  mkdirSync(SCREENSHOTS, { recursive: true });
  return {
    cli,
    inspectorUrl,
    browser,
    page,
    async screenshot(name) {
      const file = path.join(SCREENSHOTS, `${name}.png`);
      await page.screenshot({ path: file });
      return file;
    },
    async close() {
      await browser.close();
      await cli.stop();
    },
  };
}
