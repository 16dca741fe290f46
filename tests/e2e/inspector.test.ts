/**
 * The inspector in a real Chromium against `forkwatch serve resources/examples/hello --ui`:
 * requests sent with fetch appear in the list; an exchange's environ, status and body are
 * readable; a worker killed from the UI is replaced; reload from the UI starts a new generation.
 * Every wait is on UI state. Screenshots of each view go to test-results/screenshots/.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import path from 'node:path';
import { REPO, stopAll } from '../integration/support/servers';
import { openInspector, type InspectorSession } from './support/inspector';

let session: InspectorSession;

beforeAll(async () => {
  session = await openInspector([path.join(REPO, 'resources/examples/hello'), '--bind', '127.0.0.1:0']);
  await session.page.getByTestId('worker-card').first().waitFor();
}, 60_000);
afterAll(async () => {
  await session?.close();
  await stopAll();
});

describe('the inspector UI', () => {
  it('shows the server and its live workers', async () => {
    const { page } = session;
    await expect.poll(() => page.getByTestId('server-state').getAttribute('data-state')).toBe('running');
    await expect.poll(() => page.getByTestId('worker-card').count()).toBe(2);
    expect(await page.getByTestId('server-url').textContent()).toContain(session.cli.url.replace('http://', ''));
    await session.screenshot('workers');
  });

  it('lists requests sent with fetch, live', async () => {
    const { page, cli } = session;
    for (const path of ['/first', '/second?x=1', '/third']) await fetch(cli.url + path);
    await expect.poll(() => page.getByTestId('request-row').count(), { timeout: 10_000 }).toBeGreaterThanOrEqual(3);
    await expect.poll(() => page.getByTestId('request-list').textContent()).toContain('/second?x=1');
    await session.screenshot('request-list');
  });

  it('opens an exchange: an environ value, the start_response status and the body text', async () => {
    const { page, cli } = session;
    await fetch(cli.url + '/inspect-me?q=42', { headers: { 'X-Probe': 'e2e' } });
    const row = page.getByTestId('request-row').filter({ hasText: '/inspect-me?q=42' });
    await row.waitFor();
    await row.click();
    await page.getByTestId('exchange-detail').waitFor();
    await session.screenshot('overview');

    await page.getByTestId('detail-tab-environ').click();
    await expect.poll(() => page.locator('[data-testid="environ-row"][data-key="QUERY_STRING"]').textContent()).toContain('q=42');
    await expect.poll(() => page.locator('[data-testid="environ-row"][data-key="HTTP_X_PROBE"]').textContent()).toContain('e2e');
    await session.screenshot('environ');

    await page.getByTestId('detail-tab-start-response').click();
    await expect.poll(() => page.getByTestId('status-line').first().textContent()).toContain('200 OK');
    await session.screenshot('start-response');

    await page.getByTestId('detail-tab-response-body').click();
    await expect.poll(() => page.getByTestId('body-text').first().textContent()).toContain('Hello, World!');
    await session.screenshot('response-body');
  });

  it('replaces a worker killed from the UI', async () => {
    const { page } = session;
    const card = page.getByTestId('worker-card').first();
    const victim = Number(await card.getAttribute('data-pid'));
    await card.getByTestId('worker-kill').click();
    await expect
      .poll(async () => {
        const pids = await page.getByTestId('worker-card').evaluateAll((cards) => cards.map((c) => Number(c.getAttribute('data-pid'))));
        const states = await page.getByTestId('worker-card').evaluateAll((cards) => cards.map((c) => c.getAttribute('data-state')));
        return !pids.includes(victim) && states.filter((s) => s === 'idle' || s === 'busy').length === 2;
      }, { timeout: 15_000 })
      .toBe(true);
    await session.screenshot('worker-replaced');
  });

  it('reloads from the UI: a new generation serves', async () => {
    const { page, cli } = session;
    await page.getByTestId('reload-button').click();
    await cli.waitForOutput(/generation 2 serving/, 20_000);
    await expect
      .poll(async () => {
        await fetch(cli.url + '/after-reload');
        const rows = page.getByTestId('request-row').filter({ hasText: '/after-reload' });
        return (await rows.count()) > 0 && (await rows.last().textContent())?.includes('2');
      }, { timeout: 15_000 })
      .toBe(true);
    await session.screenshot('after-reload');
  });
});
