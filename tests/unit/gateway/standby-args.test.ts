/** --no-standby: the CLI's switch for standby interpreters (on by default). */
import { describe, expect, it } from 'vitest';
import { parseServeArgs, USAGE } from '../../../src-main/cli/args';

describe('--no-standby', () => {
  it('turns standbys off; they are on by default', () => {
    const on = parseServeArgs(['serve', '/p'], '/');
    const off = parseServeArgs(['serve', '/p', '--no-standby'], '/');
    expect(on.ok && on.config.standby).toBe(true);
    expect(off.ok && off.config.standby).toBe(false);
  });

  it('is in the usage text', () => {
    expect(USAGE).toContain('--no-standby');
  });
});
