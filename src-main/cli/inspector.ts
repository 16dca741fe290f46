/**
 * The CLI's inspector pieces: capture for every run (unless --no-capture), the browser UI for
 * --ui, and the HAR file for --record.
 */
import { writeFile } from 'node:fs/promises';
import { createCapture, type Capture } from '../gateway/capture';
import { toHar } from '../gateway/capture/har';
import type { Gateway } from '../gateway/gateway';
import type { InspectorHost } from '../host/inspector-host';
import type { BrowserTransport } from '../host/ws-transport';
import type { ServeConfig } from './args';

export interface CliInspector {
  capture: Capture;
  host: InspectorHost | null;
  /** Starts the browser UI once the gateway listens; resolves with its URL (with the token). */
  startUi(): Promise<string | null>;
  /** Writes --record, closes the UI. */
  close(): Promise<string | null>;
}

/** Call before `gateway.start()`: the host learns the Python version from the first workers. */
export async function attachInspector(gateway: Gateway, config: ServeConfig, info: { app: string; python: string }): Promise<CliInspector> {
  const capture = createCapture(gateway, {
    mode: config.capture ? 'on' : 'off',
    bodyLimit: config.captureBodyLimit,
    storeLimits: { maxExchanges: config.captureMaxExchanges, maxBytes: config.captureMaxBytes },
  });
  // The host and its WebSocket transport load only for --ui: a headless start stays quick.
  const host = config.ui ? (await import('../host/inspector-host')).createInspectorHost({ gateway, capture, info: { projectDir: config.projectDir, ...info } }) : null;
  let transport: BrowserTransport | null = null;
  return {
    capture,
    host,
    async startUi() {
      if (!host) return null;
      const { startBrowserTransport } = await import('../host/ws-transport');
      transport = await startBrowserTransport({ host });
      return transport.url;
    },
    async close() {
      await transport?.close();
      host?.close();
      if (!config.record) return null;
      const har = { log: toHar(capture.store.records()) };
      await writeFile(config.record, JSON.stringify(har, null, 1));
      return config.record;
    },
  };
}
