/**
 * The worker's own unittest suite (resources/python/tests): protocol-level tests against a real
 * worker over a socketpair, under both interpreters this machine has: python3 on PATH, and
 * Debian's, which also runs the Flask/Django/Bottle/Falcon tests.
 */
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { REPO } from './support/servers';

const interpreters = ['python3', '/usr/bin/python3'].filter((python) => python === 'python3' || existsSync(python));

describe('the Python worker', () => {
  it.each(interpreters)('passes its unittest suite under %s', (python) => {
    const run = spawnSync(python, ['-m', 'unittest', 'discover', '-s', 'tests'], {
      cwd: path.join(REPO, 'resources/python'),
      env: { ...process.env, FORKWATCH_PYTHON: python },
      encoding: 'utf8',
      timeout: 240_000,
    });
    const output = `${run.stdout}\n${run.stderr}`;
    expect(run.status, output.slice(-4000)).toBe(0);
    expect(output).toMatch(/Ran \d+ tests/);
  }, 250_000);
});
