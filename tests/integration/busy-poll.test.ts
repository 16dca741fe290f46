/**
 * Busy-polling with real workers: who gets the LINGER flag (a worker with a core to spare, one
 * request at a time), who does not (--no-busy-poll; requests queued or prefetched behind busy
 * workers), and that answers are the same either way.
 */
import { afterAll, describe, expect, it } from 'vitest';
import http from 'node:http';
import { availableParallelism } from 'node:os';
import type { Gateway, GatewayOptions } from '../../src-main/gateway/gateway';
import { LINGER_MS, RequestFlags } from '../../src-main/gateway/protocol';
import { isPolling } from '../../src-main/gateway/busy-poll';
import { performance } from 'node:perf_hooks';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { startGateway, stopAll, waitFor } from './support/servers';

/** Polling needs a core to spare: with one, nothing may poll or linger. */
const spareCores = availableParallelism() >= 2;

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

/** A process blocked in the kernel (state S in /proc), as a worker waiting in recv is. */
function asleep(pid: number): boolean {
  return readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].startsWith('S');
}

/** 20 hello requests one after the other on one connection, all answered; their REQUEST flags. */
async function helloOneAtATime(options: Partial<GatewayOptions> = {}): Promise<Map<string, number>> {
  const gateway = await startGateway('hello', options);
  const flags = recordFlags(gateway);
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  for (let i = 0; i < 20; i++) expect(await get(`${gateway.url}/n${i}`, agent)).toEqual({ status: 200, body: 'Hello, World!' });
  agent.destroy();
  expect(flags.size).toBe(20);
  return flags;
}

describe('busy-polling', () => {
  it('asks the worker to linger for one request at a time, with a core to spare', async () => {
    const flags = await helloOneAtATime();
    expect([...flags.values()].map(lingers)).toEqual(Array(20).fill(spareCores));
  });

  it('polls for an answer only from a worker still awake (lingering), never one it has to wake', async () => {
    const gateway = await startGateway('hello');
    const polled: boolean[] = [];
    // dispatched() runs inside the dispatch; a microtask runs right after it, poll decided.
    gateway.observer = { dispatched: () => queueMicrotask(() => polled.push(isPolling())) };
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    let answeredAt = 0;
    for (let i = 0; i < 10; i++) {
      // Wait until both sides hold the worker asleep: the master's awake window (set when it
      // read END, before we got the answer) is over, and every worker is blocked in the kernel.
      await waitFor(() => performance.now() - answeredAt > LINGER_MS && gateway.arbiter.list().every((worker) => asleep(worker.pid)), 10_000, 'the workers asleep');
      await get(`${gateway.url}/asleep${i}`, agent);
      answeredAt = performance.now();
    }
    agent.destroy();
    expect(polled).toEqual(Array(10).fill(false));
    // Back to back from a fast client (this process is too slow to come back within the
    // window), the next request mostly finds the worker still polling: the master polls too.
    polled.length = 0;
    // Asynchronously: the gateway runs in this process. wrk is Debian's package (.ci/run).
    await promisify(execFile)('wrk', ['-t1', '-c1', '-d1s', `${gateway.url}/`], { timeout: 30_000 });
    expect(polled.length).toBeGreaterThan(100);
    // How many find the worker still awake depends on the machine's load (wrk and this process
    // share its cores with the other test files), but some must.
    const polls = polled.filter(Boolean).length;
    if (spareCores) expect(polls).toBeGreaterThan(10);
    else expect(polls).toBe(0);
  });

  it('never asks with busyPoll off (--no-busy-poll), and answers the same', async () => {
    const flags = await helloOneAtATime({ busyPoll: false });
    expect([...flags.values()].some(lingers)).toBe(false);
  });

  it('does not ask a worker to linger while requests wait for it', async () => {
    // One worker and requests with bodies (never prefetched behind a running one): all but the
    // first wait in the queue. Only a request that leaves the queue empty may linger: the first
    // (it came alone) and the last. The four in between had requests waiting behind them.
    const gateway = await startGateway('sleepy', { workers: 1 });
    const order: number[] = [];
    gateway.observer = { finished: (relay) => order.push(relay.requestPayload![0]) };
    const post = (i: number) =>
      new Promise<number>((resolve, reject) => {
        const request = http.request(`${gateway.url}/s${i}?0.2`, { method: 'POST', agent: false }, (response) => {
          response.resume().on('end', () => resolve(response.statusCode!));
        });
        request.on('error', reject);
        request.end('a body');
      });
    const statuses = await Promise.all(Array.from({ length: 6 }, (_, i) => post(i)));
    expect(statuses).toEqual(Array(6).fill(200));
    const lingered = order.map(lingers);
    expect(lingered).toEqual(spareCores ? [true, false, false, false, false, true] : Array(6).fill(false));
  });
});
