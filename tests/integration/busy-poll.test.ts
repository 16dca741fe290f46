/**
 * Busy-polling with real workers: who gets the LINGER flag (a worker with a core to spare, one
 * request at a time), who does not (--no-busy-poll; requests queued or prefetched behind busy
 * workers), and that answers are the same either way.
 */
import { afterAll, describe, expect, it } from 'vitest';
import http from 'node:http';
import { availableParallelism } from 'node:os';
import type { Gateway } from '../../src-main/gateway/gateway';
import { RequestFlags } from '../../src-main/gateway/protocol';
import { startGateway, stopAll } from './support/servers';

afterAll(stopAll);

/** Records the REQUEST flags each request was sent to its worker with, by path. */
function recordFlags(gateway: Gateway): Map<string, number> {
  const flags = new Map<string, number>();
  gateway.observer = {
    finished(relay) {
      flags.set(relay.environ.PATH_INFO + (relay.environ.QUERY_STRING ? `?${relay.environ.QUERY_STRING}` : ''), relay.requestPayload![0]);
    },
  };
  return flags;
}

function get(url: string, agent: http.Agent): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    http.get(url, { agent }, (response) => {
      let body = '';
      response.setEncoding('utf8').on('data', (chunk) => (body += chunk)).on('end', () => resolve({ status: response.statusCode!, body }));
    }).on('error', reject);
  });
}

const lingers = (flags: number) => (flags & RequestFlags.LINGER) !== 0;

describe('busy-polling', () => {
  it.skipIf(availableParallelism() < 2)('asks the worker to linger for one request at a time, with a core to spare', async () => {
    const gateway = await startGateway('hello');
    const flags = recordFlags(gateway);
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    for (let i = 0; i < 20; i++) expect(await get(`${gateway.url}/n${i}`, agent)).toEqual({ status: 200, body: 'Hello, World!' });
    agent.destroy();
    expect(flags.size).toBe(20);
    expect([...flags.values()].every(lingers)).toBe(true);
  });

  it('never asks with busyPoll off (--no-busy-poll), and answers the same', async () => {
    const gateway = await startGateway('hello', { busyPoll: false });
    const flags = recordFlags(gateway);
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    for (let i = 0; i < 20; i++) expect(await get(`${gateway.url}/n${i}`, agent)).toEqual({ status: 200, body: 'Hello, World!' });
    agent.destroy();
    expect(flags.size).toBe(20);
    expect([...flags.values()].some(lingers)).toBe(false);
  });

  it('does not ask a worker to linger while requests wait for it', async () => {
    // One worker, so any request behind a running one is prefetched or queued: that worker has
    // more work coming and must not poll for it.
    const gateway = await startGateway('sleepy', { workers: 1 });
    const flags = recordFlags(gateway);
    const agent = new http.Agent({ keepAlive: true, maxSockets: 8 });
    const answers = await Promise.all(Array.from({ length: 6 }, (_, i) => get(`${gateway.url}/s${i}?0.05`, agent)));
    agent.destroy();
    expect(answers.every((answer) => answer.status === 200)).toBe(true);
    expect(flags.size).toBe(6);
    // Only a request that leaves the queue empty may linger: the first (it came alone) and the
    // last. The four in between had requests waiting behind them.
    expect([...flags.values()].filter(lingers).length).toBeLessThanOrEqual(2);
  });
});
