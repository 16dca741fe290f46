import { describe, expect, it } from 'vitest';
import { buildExchangeView } from '@renderer/model/exchange-view';
import { buildReplayEdits, initialReplayForm, parseHeaderLines } from '@renderer/model/replay';
import { record } from '../support/fixtures';

const view = buildExchangeView(record(1));

describe('replay form', () => {
  it('starts from the request as it was', () => {
    const form = initialReplayForm(view);
    expect(form).toMatchObject({ method: 'GET', url: '/items/1', body: '', environ: { REMOTE_ADDR: '127.0.0.1', 'wsgi.url_scheme': 'http', SCRIPT_NAME: '' } });
    expect(form.headers).toBe('Host: 127.0.0.1:8000\nUser-Agent: curl/7.88.1');
  });

  it('sends no edits when nothing changed', () => {
    expect(buildReplayEdits(view, initialReplayForm(view))).toEqual({ ok: true, value: {} });
  });

  it('sends only what changed', () => {
    const form = { ...initialReplayForm(view), method: 'post', body: 'x=1', environ: { REMOTE_ADDR: '10.0.0.9', 'wsgi.url_scheme': 'https', SCRIPT_NAME: '' }, extraEnviron: 'HTTP_X_TEST=yes' };
    const result = buildReplayEdits(view, form);
    expect(result).toEqual({
      ok: true,
      value: { method: 'POST', bodyBase64: btoa('x=1'), environ: { REMOTE_ADDR: '10.0.0.9', 'wsgi.url_scheme': 'https', HTTP_X_TEST: 'yes' } },
    });
  });

  it('parses edited headers and rejects bad lines', () => {
    expect(parseHeaderLines('A: 1\n\nB:two')).toEqual({ ok: true, value: [['A', '1'], ['B', 'two']] });
    expect(parseHeaderLines('no colon').ok).toBe(false);
    expect(parseHeaderLines('Bad Name: x').ok).toBe(false);
    const result = buildReplayEdits(view, { ...initialReplayForm(view), headers: 'X-One: 1' });
    expect(result).toEqual({ ok: true, value: { headers: [['X-One', '1']] } });
  });

  it('rejects a URL that is not a path', () => {
    expect(buildReplayEdits(view, { ...initialReplayForm(view), url: 'http://elsewhere/' }).ok).toBe(false);
  });
});
