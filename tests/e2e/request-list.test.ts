/**
 * The request list's scrolling in a real Chromium (jsdom lays nothing out): it follows the
 * newest request, stops following when the user scrolls up, keeps the rows in view in place
 * while older rows are evicted from a full capture ring, and follows again from "Newest".
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import path from 'node:path';
import { REPO, stopAll } from '../integration/support/servers';
import { openInspector, type InspectorSession } from './support/inspector';

const RING = 200;
let session: InspectorSession;

beforeAll(async () => {
  session = await openInspector([path.join(REPO, 'resources/examples/hello'), '--bind', '127.0.0.1:0', '--capture-max-exchanges', String(RING)]);
  await session.page.getByTestId('worker-card').first().waitFor();
}, 60_000);
afterAll(async () => {
  await session?.close();
  await stopAll();
});

let sent = 0;
/** Sends `n` requests (/r/1, /r/2, ... numbered across calls), ten at a time. */
async function send(n: number): Promise<void> {
  for (let done = 0; done < n; done += 10) {
    const batch = Array.from({ length: Math.min(10, n - done) }, () => fetch(`${session.cli.url}/r/${++sent}`).then((r) => r.text()));
    await Promise.all(batch);
  }
}

/** The rows fully inside the list's viewport: their paths and screen tops, top to bottom. */
async function rowsInView() {
  const view = (await session.page.locator('.request-scroll').boundingBox())!;
  const rows = await session.page.getByTestId('request-row').evaluateAll((els) =>
    els.map((row) => {
      const box = row.getBoundingClientRect();
      return { path: row.querySelector('.col-path')?.textContent ?? '', top: Math.round(box.top), bottom: box.bottom };
    }),
  );
  return rows
    .filter((r) => r.top >= view.y && r.bottom <= view.y + view.height + 0.5)
    .sort((a, b) => a.top - b.top)
    .map(({ path, top }) => ({ path, top }));
}

const following = () => session.page.getByTestId('request-list').getAttribute('data-following');
const lastInView = async () => (await rowsInView()).at(-1)?.path;

describe('the request list', () => {
  it('follows the newest request', async () => {
    await send(150);
    await expect.poll(lastInView, { timeout: 10_000 }).toBe('/r/150');
    await send(5);
    await expect.poll(lastInView, { timeout: 10_000 }).toBe('/r/155');
    expect(await following()).toBe('true');
  });

  it('stops following when scrolled up, and keeps the rows in view in place while older ones are evicted', async () => {
    const { page } = session;
    const list = page.locator('.request-scroll');
    const box = (await list.boundingBox())!;
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await page.mouse.wheel(0, -26 * 60);
    await expect.poll(following).toBe('false');
    await page.getByTestId('jump-to-newest').waitFor();
    const before = await rowsInView();
    expect(before.length).toBeGreaterThan(5);
    const firstShown = Number(before[0].path.split('/').pop());
    expect(firstShown).toBeGreaterThan(60);

    // Tag each rendered row element with the path it shows.
    await page.getByTestId('request-row').evaluateAll((els) => els.forEach((row) => row.setAttribute('data-shown', row.querySelector('.col-path')?.textContent ?? '')));

    // 155 + 60 = 215 requests in a ring of 200: the oldest 15 leave, far above the viewport.
    await send(60);
    await expect.poll(() => page.getByTestId('request-count').textContent(), { timeout: 10_000 }).toBe(`${RING} requests`);
    expect(await rowsInView()).toEqual(before);
    // The same elements show the same rows (not recycled to show others, which costs a relayout).
    const moved = await page
      .getByTestId('request-row')
      .evaluateAll((els) => els.filter((row) => row.hasAttribute('data-shown') && row.getAttribute('data-shown') !== row.querySelector('.col-path')?.textContent).length);
    expect(moved).toBe(0);
    expect(await following()).toBe('false');
  });

  it('follows again from "Newest"', async () => {
    const { page } = session;
    await page.getByTestId('jump-to-newest').click();
    await expect.poll(lastInView, { timeout: 10_000 }).toBe('/r/215');
    await expect.poll(following).toBe('true');
    await send(5);
    await expect.poll(lastInView, { timeout: 10_000 }).toBe('/r/220');
    expect(await page.getByTestId('jump-to-newest').count()).toBe(0);
  });
});
