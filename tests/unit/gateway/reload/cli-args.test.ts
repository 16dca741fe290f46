/** The reload flags of `forkwatch serve` (the rest of the parser is tested elsewhere). */
import { describe, expect, it } from 'vitest';
import { parseServeArgs, USAGE } from '../../../../src-main/cli/args';

const parse = (...args: string[]) => parseServeArgs(['serve', '/p', ...args], '/');

describe('reload flags', () => {
  it('are off / empty / keep by default', () => {
    const parsed = parse();
    expect(parsed.ok && parsed.config).toMatchObject({ reload: false, reloadInclude: [], reloadExclude: [], reloadErrors: 'keep' });
  });

  it('take repeatable --reload-include / --reload-exclude', () => {
    const parsed = parse('--reload', '--reload-include', '*.yaml', '--reload-include=data/*.json', '--reload-exclude', 'tests/', '--reload-exclude', '*_test.py');
    expect(parsed.ok && parsed.config).toMatchObject({
      reload: true,
      reloadInclude: ['*.yaml', 'data/*.json'],
      reloadExclude: ['tests/', '*_test.py'],
    });
  });

  it('take --reload-errors keep|serve and refuse anything else', () => {
    const serve = parse('--reload-errors', 'serve');
    expect(serve.ok && serve.config.reloadErrors).toBe('serve');
    const keep = parse('--reload-errors=keep');
    expect(keep.ok && keep.config.reloadErrors).toBe('keep');
    const bad = parse('--reload-errors', 'show');
    expect(bad).toEqual({ ok: false, error: '--reload-errors takes keep or serve, not "show"' });
  });

  it('are in the usage text', () => {
    for (const flag of ['--reload ', '--reload-include GLOB', '--reload-exclude GLOB', '--reload-errors keep|serve']) expect(USAGE).toContain(flag);
  });
});
