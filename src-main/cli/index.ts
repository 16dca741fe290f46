/**
 * The `forkwatch` command. `forkwatch serve DIR` runs the gateway headless, like gunicorn.
 */
import { USAGE, parseServeArgs } from './args';
import { createLogger } from './log';
import { handleSignals, logArbiterEvents, prepare } from './serve';

export async function main(argv: string[]): Promise<number> {
  const parsed = parseServeArgs(argv);
  if (!parsed.ok) {
    if ('help' in parsed) {
      process.stdout.write(USAGE + '\n');
      return 0;
    }
    process.stderr.write(`forkwatch: ${parsed.error}\n\n${USAGE}\n`);
    return 2;
  }
  const log = createLogger();
  const config = parsed.config;
  let gateway;
  try {
    gateway = prepare(config, log);
    logArbiterEvents(gateway, log, config.accessLog);
    await gateway.start();
  } catch (error) {
    log.error(`App failed to load: ${(error as Error).message}`);
    return 4;
  }
  // Signal handlers first: whoever reads "Listening at" may signal at once (SIGTTIN's default stops us).
  const stopped = new Promise<number>((resolve) => handleSignals(gateway, log, resolve));
  log.info(`Listening at: ${gateway.url} (${process.pid})`);
  log.info(`Using worker: sync, ${config.workers} workers: ${gateway.arbiter.list().map((w) => w.pid).join(', ')}`);
  return stopped;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: Error) => {
    process.stderr.write(`forkwatch: ${error.stack ?? error.message}\n`);
    process.exit(1);
  },
);
