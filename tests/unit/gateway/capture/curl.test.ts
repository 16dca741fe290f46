import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { ExchangeRecord } from '../../../../src-main/contract';
import { MAX_INLINE_BODY, toCurl } from '../../../../src-main/gateway/capture/curl';
import { capture, makePost, makeRecord } from './fixtures';

const dir = mkdtempSync(join(tmpdir(), 'forkwatch-curl-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let scripts = 0;

/**
 * A stand-in for curl: prints each argument base64 on its own line, then, when an argument is
 * "@-", the bytes it got on stdin. Base64 keeps every byte (newlines, quotes, 0x80-0xff) intact.
 */
const FAKE_CURL = `curl() {
  local arg
  for arg in "$@"; do printf '%s' "$arg" | base64 -w0; echo; done
  for arg in "$@"; do
    if [ "$arg" = @- ]; then echo STDIN; base64 -w0; echo; fi
  done
}
`;

interface CurlCall {
  args: Buffer[];
  stdin: Buffer | null;
}

function parseFakeOutput(stdout: string): CurlCall {
  const lines = stdout.split('\n');
  if (lines.at(-1) === '') lines.pop();
  const stdinAt = lines.indexOf('STDIN');
  const argLines = stdinAt < 0 ? lines : lines.slice(0, stdinAt);
  return {
    args: argLines.map((line) => Buffer.from(line, 'base64')),
    stdin: stdinAt < 0 ? null : Buffer.from(lines[stdinAt + 1] ?? '', 'base64'),
  };
}

function writeScript(text: string): string {
  const file = join(dir, `command-${scripts++}.sh`);
  writeFileSync(file, text);
  return file;
}

/** `bash -n`: the command parses. */
function syntaxCheck(command: string): void {
  const result = spawnSync('bash', ['-n', writeScript(command + '\n')], { encoding: 'utf8' });
  expect(result.stderr).toBe('');
  expect(result.status).toBe(0);
}

/** Runs the command with curl faked, in `locale`; returns what curl received. */
function run(command: string, locale = 'C.UTF-8'): CurlCall {
  const file = writeScript(FAKE_CURL + command + '\n');
  const result = spawnSync('bash', ['--norc', '--noprofile', file], {
    encoding: 'utf8',
    env: { PATH: process.env.PATH, LC_ALL: locale },
  });
  expect(result.stderr).toBe('');
  expect(result.status).toBe(0);
  return parseFakeOutput(result.stdout);
}

/**
 * Runs the command as if pasted into an interactive bash with history expansion on, where a
 * stray "!" would be replaced by an earlier command.
 */
function runInteractive(command: string): CurlCall {
  const input = `set -o history -o histexpand\necho previous-command >/dev/null\n${FAKE_CURL}${command}\n`;
  const result = spawnSync('bash', ['--norc', '--noprofile', '-i'], {
    input,
    encoding: 'utf8',
    env: { PATH: process.env.PATH, LC_ALL: 'C.UTF-8', PS1: '', PS2: '' },
  });
  expect(result.status).toBe(0);
  return parseFakeOutput(result.stdout);
}

/** Checks syntax, runs it in two locales and interactively, and returns what curl received. */
function roundTrip(record: ExchangeRecord): CurlCall {
  const command = toCurl(record);
  syntaxCheck(command);
  const call = run(command);
  expect(run(command, 'C')).toEqual(call);
  expect(runInteractive(command)).toEqual(call);
  return call;
}

const strings = (call: CurlCall): string[] => call.args.map((arg) => arg.toString('latin1'));

/** The body curl would send: the argument after --data-binary/--data-raw, or stdin for "@-". */
function sentBody(call: CurlCall): Buffer | null {
  const index = call.args.findIndex((arg) => ['--data-binary', '--data-raw'].includes(arg.toString()));
  if (index < 0) return null;
  const value = call.args[index + 1];
  return value.toString() === '@-' && call.args[index].toString() === '--data-binary' ? call.stdin : value;
}

/** Every byte but NUL, twice over in different orders, plus the usual troublemakers. */
const NASTY_BYTES = Buffer.concat([
  Buffer.from(Array.from({ length: 255 }, (_, i) => i + 1)),
  Buffer.from(`'"\\$\`!!{}[]*?~#;&|<>()\n\r\t %s %% \\x41 \\n $'x' $(echo hi) \${HOME}`, 'latin1'),
  Buffer.from(Array.from({ length: 255 }, (_, i) => 255 - i)),
]);

describe('toCurl: the command line', () => {
  it('copies a GET as Chrome does: URL first, one header a line, Host and Content-Length left out', () => {
    expect(toCurl(makeRecord())).toBe(
      [
        "curl 'http://127.0.0.1:8000/items?page=2&q=caf%C3%A9+au+lait' \\",
        "  -H 'User-Agent: test-agent/1.0' \\",
        "  -H 'Accept: */*' \\",
        "  -H 'Cookie: session=abc123; theme=dark'",
      ].join('\n'),
    );
  });

  it('passes the GET through bash unchanged', () => {
    expect(strings(roundTrip(makeRecord()))).toEqual([
      'http://127.0.0.1:8000/items?page=2&q=caf%C3%A9+au+lait',
      '-H',
      'User-Agent: test-agent/1.0',
      '-H',
      'Accept: */*',
      '-H',
      'Cookie: session=abc123; theme=dark',
    ]);
  });

  it('uses -I for HEAD and -X only where curl would not imply the method', () => {
    const args = (overrides: Partial<ExchangeRecord>) => strings(run(toCurl(makeRecord(overrides))));
    expect(args({ method: 'HEAD' })).toContain('-I');
    expect(args({ method: 'HEAD' })).not.toContain('-X');
    expect(args({ method: 'GET' })).not.toContain('-X');
    expect(args({ method: 'DELETE' })).toEqual(expect.arrayContaining(['-X', 'DELETE']));
    const post = strings(run(toCurl(makePost('a=1', 'application/x-www-form-urlencoded'))));
    expect(post).not.toContain('-X');
    const put = strings(run(toCurl(makePost('a=1', 'text/plain', { method: 'PUT' }))));
    expect(put).toEqual(expect.arrayContaining(['-X', 'PUT']));
    // A GET with a body: --data-binary alone would make it a POST.
    const getWithBody = strings(run(toCurl(makePost('x', 'text/plain', { method: 'GET' }))));
    expect(getWithBody).toEqual(expect.arrayContaining(['-X', 'GET']));
  });

  it('sends an empty body when the request had Content-Length: 0', () => {
    const call = roundTrip(makePost('', 'application/json'));
    expect(strings(call)).toEqual(expect.arrayContaining(['--data-binary', '']));
    expect(strings(call)).not.toContain('-X');
  });

  it('keeps a Host header that differs from the URL, and quotes headers exactly', () => {
    const record = makeRecord({
      url: 'http://upstream.test/p',
      requestHeaders: [
        ['Host', 'other.test'],
        ['X-Quote', "it's \"quoted\" $HOME `cmd` !!"],
        ['X-Latin1', 'caf\xe9'],
        ['X-Empty', ''],
        ['User-Agent', 'ua'],
        ['Accept', '*/*'],
      ],
    });
    const call = roundTrip(record);
    expect(call.args.map((arg) => arg.toString('latin1'))).toEqual([
      'http://upstream.test/p',
      '-H',
      'Host: other.test',
      '-H',
      "X-Quote: it's \"quoted\" $HOME `cmd` !!",
      '-H',
      'X-Latin1: caf\xe9',
      '-H',
      'X-Empty;',
      '-H',
      'User-Agent: ua',
      '-H',
      'Accept: */*',
    ]);
  });

  it("switches off curl's default headers the original request did not send", () => {
    const record = makePost('{}', null, { requestHeaders: [['Host', '127.0.0.1:8000'], ['Content-Length', '2']] });
    const args = strings(roundTrip(record));
    expect(args).toEqual(expect.arrayContaining(['User-Agent:', 'Accept:', 'Content-Type:']));
    const big = makePost('x'.repeat(2000), 'text/plain');
    expect(strings(run(toCurl(big)))).toContain('Expect:');
  });

  it('adds --globoff for brackets, --http1.0 for HTTP/1.0, --request-target for "*"', () => {
    expect(strings(run(toCurl(makeRecord({ url: '/q?a[]=1&b{x}=2' }))))).toContain('--globoff');
    expect(strings(run(toCurl(makeRecord())))).not.toContain('--globoff');
    expect(strings(run(toCurl(makeRecord({ httpVersion: '1.0' }))))).toContain('--http1.0');
    const star = strings(roundTrip(makeRecord({ method: 'OPTIONS', url: '*' })));
    expect(star.slice(0, 5)).toEqual(['http://127.0.0.1:8000/', '--request-target', '*', '-X', 'OPTIONS']);
  });

  it('puts a warning comment first when the body was truncated', () => {
    const record = makePost('abc', 'text/plain', { requestBody: capture('abc', { size: 100, truncated: true }) });
    const command = toCurl(record);
    expect(command.split('\n')[0]).toBe(
      '# forkwatch: the request body was truncated at capture: this sends only its first 3 of 100 bytes.',
    );
    expect(sentBody(roundTrip(record))?.toString()).toBe('abc');
  });
});

describe('toCurl: bodies round-trip through bash byte for byte', () => {
  it('a form body in single quotes', () => {
    const record = makePost("a=1&b=it's", 'application/x-www-form-urlencoded');
    expect(toCurl(record)).toContain("--data-binary 'a=1&b=it'\\''s'");
    expect(sentBody(roundTrip(record))?.toString()).toBe("a=1&b=it's");
  });

  it('a UTF-8 body with quotes, newlines and emoji, readable in $\'...\'', () => {
    const text = 'line one\n"two" it\'s\tcafé 🐍 \\ done!\r\n\u0085';
    const record = makePost(text, 'text/plain; charset=utf-8');
    const command = toCurl(record);
    expect(command).toContain("--data-binary $'line one\\n\"two\" it\\'s\\tcafé 🐍 \\\\ done\\x21\\r\\n\\xc2\\x85'");
    expect(sentBody(roundTrip(record))).toEqual(Buffer.from(text, 'utf8'));
  });

  it('every byte 0x01-0xff plus shell metacharacters, as \\xHH escapes', () => {
    const record = makePost(NASTY_BYTES, 'application/octet-stream');
    const command = toCurl(record);
    expect(command).toContain("--data-binary $'\\x01\\x02");
    expect(sentBody(roundTrip(record))).toEqual(NASTY_BYTES);
  });

  it('a body with NUL bytes, piped in through printf since argv cannot hold NUL', () => {
    const body = Buffer.concat([Buffer.from([0x00]), NASTY_BYTES, Buffer.from([0x00, 0x00, 0x30, 0x00])]);
    const record = makePost(body, 'application/octet-stream');
    const command = toCurl(record);
    expect(command.startsWith("printf '\\000")).toBe(true);
    expect(command).toContain('--data-binary @-');
    const call = roundTrip(record);
    expect(strings(call).slice(-2)).toEqual(['--data-binary', '@-']);
    expect(call.stdin).toEqual(body);
  });

  it('a body starting with "-" or "%" through printf, and with "@" as --data-raw', () => {
    for (const body of [Buffer.from('-n\x00%s\\c'), Buffer.from('%d\x00')]) {
      expect(roundTrip(makePost(body, 'application/octet-stream')).stdin).toEqual(body);
    }
    const at = makePost('@/etc/passwd', 'text/plain');
    const call = roundTrip(at);
    expect(strings(call).slice(-2)).toEqual(['--data-raw', '@/etc/passwd']);
  });

  it('a body too long for one argument, piped in', () => {
    const body = Buffer.alloc(MAX_INLINE_BODY + 1000, 'ab\'c\n');
    const record = makePost(body, 'text/plain');
    const command = toCurl(record);
    expect(command.startsWith('printf ')).toBe(true);
    expect(run(command).stdin).toEqual(body);
    const fits = makePost(Buffer.alloc(MAX_INLINE_BODY, 'x'), 'text/plain');
    expect(toCurl(fits).startsWith('curl ')).toBe(true);
  });

  it('a URL with bytes outside ASCII', () => {
    const record = makeRecord({ url: '/caf\xc3\xa9?x=\xff' });
    const [url] = roundTrip(record).args;
    expect(url).toEqual(Buffer.from('http://127.0.0.1:8000/caf\xc3\xa9?x=\xff', 'latin1'));
  });
});

describe('the test harness', () => {
  it('would notice history expansion', () => {
    const plain = run('curl "x!!"');
    expect(strings(runInteractive('curl "x!!"'))).not.toEqual(strings(plain));
  });
});

const hasCurl = spawnSync('curl', ['--version']).status === 0;

describe.skipIf(!hasCurl)('toCurl: with the real curl', () => {
  interface Received {
    method: string;
    url: string;
    rawHeaders: string[];
    body: Buffer;
  }

  /** Serves one request, runs `command(port)` through bash, and returns what the server got. */
  async function receive(command: (port: number) => string): Promise<Received> {
    let received: Received | undefined;
    const server = createServer((request: IncomingMessage, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        received = { method: request.method!, url: request.url!, rawHeaders: request.rawHeaders, body: Buffer.concat(chunks) };
        response.end('ok');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as AddressInfo;
      const file = writeScript(command(port) + '\n');
      const status = await new Promise<number | null>((resolve) => {
        const child = spawn('bash', ['--norc', '--noprofile', file], { stdio: 'ignore' });
        child.on('exit', resolve);
      });
      expect(status).toBe(0);
    } finally {
      server.close();
    }
    expect(received).toBeDefined();
    return received!;
  }

  const upload = (port: number, body: Uint8Array, method = 'POST'): ExchangeRecord => {
    const host = `127.0.0.1:${port}`;
    return makePost(body, 'application/octet-stream', {
      method,
      url: '/up?x=%20y',
      environ: [['HTTP_HOST', host], ['wsgi.url_scheme', 'http']],
      requestHeaders: [
        ['Host', host],
        ['X-Quote', "it's \"fine\" $HOME!"],
        ['Content-Type', 'application/octet-stream'],
        ['Content-Length', String(body.length)],
      ],
    });
  };

  for (const [name, body] of [
    ['every byte but NUL, inline', NASTY_BYTES],
    ['with NUL bytes, piped', Buffer.concat([NASTY_BYTES, Buffer.from([0, 0, 1])])],
  ] as const) {
    it(`sends the same method, target, headers and body: ${name}`, async () => {
      const got = await receive((port) => toCurl(upload(port, body, 'PUT')));
      expect(got.method).toBe('PUT');
      expect(got.url).toBe('/up?x=%20y');
      expect(got.body).toEqual(body);
      const headers: [string, string][] = [];
      for (let i = 0; i < got.rawHeaders.length; i += 2) headers.push([got.rawHeaders[i].toLowerCase(), got.rawHeaders[i + 1]]);
      // Exactly the original headers: curl's own User-Agent, Accept and Expect switched off.
      expect(headers.map(([key]) => key).sort()).toEqual(['content-length', 'content-type', 'host', 'x-quote']);
      expect(headers).toEqual(expect.arrayContaining([['x-quote', "it's \"fine\" $HOME!"], ['content-length', String(body.length)]]));
    });
  }

  it('sends HEAD with -I', async () => {
    const got = await receive((port) =>
      toCurl(makeRecord({ method: 'HEAD', url: '/h', environ: [['HTTP_HOST', `127.0.0.1:${port}`]], requestHeaders: [] })),
    );
    expect(got.method).toBe('HEAD');
    expect(got.body.length).toBe(0);
  });
});
