/**
 * The `forkwatch` command. `forkwatch serve DIR` runs the gateway headless, like gunicorn.
 */
import { USAGE, parseServeArgs } from './args';
import { createLogger } from './log';
import { attachInspector } from './inspector';
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
  let inspector;
  try {
    const prepared = prepare(config, log);
    gateway = prepared.gateway;
    logArbiterEvents(gateway, log, config.accessLog, config.reloadErrors);
    inspector = await attachInspector(gateway, config, prepared);
    await gateway.start();
  } catch (error) {
    log.error(`App failed to load: ${(error as Error).message}`);
    return 4;
  }
  // --reload: watch once the app is served (a change during the boot is in the first generation).
  // Loaded only when asked for: the watcher and the UI transport cost start-up time.
  const reloader = config.reload
    ? (await import('../gateway/reload')).createReloader({
        projectDir: config.projectDir,
        arbiter: gateway.arbiter,
        include: config.reloadInclude,
        exclude: config.reloadExclude,
        onError: (error) => log.warn(`Reloader: ${error.message}`),
      })
    : null;
  // Signal handlers first: whoever reads "Listening at" may signal at once (SIGTTIN's default stops us).
  const stopped = new Promise<number>((resolve) =>
    handleSignals(gateway, log, async (code) => {
      await reloader?.close();
      const recorded = await inspector.close().catch((error: Error) => {
        log.error(`Could not write ${config.record}: ${error.message}`);
        return null;
      });
      if (recorded) log.info(`Recorded ${inspector.capture.store.size} exchanges to ${recorded}`);
      resolve(code);
    }),
  );
  log.info(`Listening at: ${gateway.url} (${process.pid})`);
  log.info(`Using worker: sync, ${config.workers} workers: ${gateway.arbiter.list().map((w) => w.pid).join(', ')}`);
  if (reloader) {
    await reloader.ready;
    log.info(`Watching ${config.projectDir} for changes (--reload)`);
  }
  const uiUrl = await inspector.startUi();
  if (uiUrl) log.info(`Inspector: ${uiUrl}`);
  return stopped;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: Error) => {
    process.stderr.write(`forkwatch: ${error.stack ?? error.message}\n`);
    process.exit(1);
  },
);
