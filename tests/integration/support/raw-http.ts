/** Raw HTTP over a socket, for what fetch() will not send: pipelining, malformed requests, HTTP/1.0. */
import net from 'node:net';

/**
 * Sends `request` bytes and collects the answer until the server closes the connection or
 * `done(textSoFar)` says enough arrived.
 */
export function rawExchange(
  port: number,
  request: string | Buffer,
  done: (text: string) => boolean = () => false,
  timeoutMs = 10_000,
): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    let text = '';
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no complete answer within ${timeoutMs} ms; got:\n${text}`));
    }, timeoutMs);
    const finish = () => {
      clearTimeout(timer);
      socket.destroy();
      resolve(text);
    };
    socket.on('data', (chunk) => {
      text += chunk.toString('latin1');
      if (done(text)) finish();
    });
    socket.on('end', finish);
    socket.on('error', (error: NodeJS.ErrnoException) => (error.code === 'ECONNRESET' ? finish() : reject(error)));
    socket.write(request);
  });
}

/** Counts complete HTTP responses with a Content-Length body in `text`. */
export function countResponses(text: string): number {
  let count = 0;
  let rest = text;
  for (;;) {
    const headEnd = rest.indexOf('\r\n\r\n');
    if (headEnd === -1) return count;
    const length = Number(/content-length:\s*(\d+)/i.exec(rest.slice(0, headEnd))?.[1] ?? 0);
    if (rest.length < headEnd + 4 + length) return count;
    count += 1;
    rest = rest.slice(headEnd + 4 + length);
  }
}
