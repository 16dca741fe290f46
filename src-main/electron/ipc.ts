/**
 * The one wrapper every ipcMain.handle goes through: it checks who is calling, then checks what
 * they sent, and only then runs the handler. The renderer shows app output and request data
 * from the served project, so it is the least trusted part of the app: a handler must never
 * act on a message from another page or frame, nor on arguments it did not check.
 *
 * Electron is injected (the IpcMain and the main window's webContents), so this module runs
 * under plain Node in tests.
 */
import { validateCommand } from '@contract/validate';
import type { CommandName } from '@contract';
import { CHANNELS } from './ipc-channels';

/** The parts of an IpcMainInvokeEvent the checks read. */
export interface IpcInvokeEventLike {
  /** The WebContents that sent the message. */
  sender: unknown;
  /** Null once the frame navigated away or was destroyed. */
  senderFrame: { url: string; parent: unknown } | null;
}

export interface IpcMainLike {
  handle(channel: string, listener: (event: IpcInvokeEventLike, ...args: unknown[]) => unknown): void;
  removeHandler(channel: string): void;
}

export interface SenderPolicy {
  /** The main window's webContents, or null when there is no window. */
  trustedContents(): unknown;
  /** Whether a URL is one of the app's own pages (see security.ts createAppUrlMatcher). */
  isAppUrl(url: string): boolean;
}

export type Parsed<T> = { ok: true; value: T } | { ok: false; error: string };
export type ArgsParser<T> = (args: unknown[]) => Parsed<T>;

/** Why a sender is refused, or null when it may call. */
export function checkSender(event: IpcInvokeEventLike, policy: SenderPolicy): string | null {
  const trusted = policy.trustedContents();
  if (trusted === null || trusted === undefined || event.sender !== trusted) return 'not the main window';
  const frame = event.senderFrame;
  if (!frame) return 'the sending frame is gone';
  // Only the top frame: an iframe in the page (were one ever allowed) is not the app.
  if (frame.parent !== null) return 'not the top frame';
  if (!policy.isAppUrl(frame.url)) return `not an app page (${frame.url.slice(0, 100)})`;
  return null;
}

export interface IpcRouter {
  /** Registers `channel`; every call is checked by `checkSender`, then `parse`, then `run`. */
  handle<T>(channel: string, parse: ArgsParser<T>, run: (value: T) => unknown): void;
  /** Removes every handler registered here. */
  dispose(): void;
}

export function createIpcRouter(
  ipcMain: IpcMainLike,
  policy: SenderPolicy,
  onRefused: (channel: string, reason: string) => void = () => {},
): IpcRouter {
  const channels = new Set<string>();
  return {
    handle(channel, parse, run) {
      if (channels.has(channel)) throw new Error(`${channel} is already handled`);
      channels.add(channel);
      ipcMain.handle(channel, async (event, ...args) => {
        const refused = checkSender(event, policy);
        if (refused) {
          onRefused(channel, refused);
          throw new Error(`${channel}: refused: ${refused}`);
        }
        const parsed = parse(args);
        if (!parsed.ok) throw new Error(parsed.error);
        return run(parsed.value);
      });
    },
    dispose() {
      for (const channel of channels) ipcMain.removeHandler(channel);
      channels.clear();
    },
  };
}

// --- argument parsers ----------------------------------------------------------------------------

/** `forkwatch:call`: one `{command, args}` whose command and arguments pass validateCommand. */
export const parseCall: ArgsParser<{ name: CommandName; args: unknown[] }> = (args) => {
  if (args.length !== 1) return { ok: false, error: `${CHANNELS.call}: expected one {command, args} object, got ${args.length} arguments` };
  const request = args[0];
  if (typeof request !== 'object' || request === null || Array.isArray(request)) {
    return { ok: false, error: `${CHANNELS.call}: expected a {command, args} object` };
  }
  const { command, args: commandArgs } = request as Record<string, unknown>;
  if (typeof command !== 'string') return { ok: false, error: `${CHANNELS.call}: command must be a string` };
  const checked = validateCommand(command, commandArgs);
  return checked.ok ? { ok: true, value: { name: checked.name, args: checked.args } } : { ok: false, error: checked.error };
};

/** A channel that takes no arguments. */
export const parseNoArgs: ArgsParser<void> = (args) =>
  args.length === 0 ? { ok: true, value: undefined } : { ok: false, error: `expected no arguments, got ${args.length}` };

/** Longest path accepted from the renderer (it only ever names an entry of the recent list). */
const MAX_PATH_LENGTH = 4096;

/** One string: a folder the renderer names, to be looked up in main's own recent list. */
export const parseFolderName: ArgsParser<string> = (args) => {
  const [folder] = args;
  if (args.length !== 1 || typeof folder !== 'string' || folder.length === 0 || folder.length > MAX_PATH_LENGTH || folder.includes('\0')) {
    return { ok: false, error: 'expected one folder path from the recent list' };
  }
  return { ok: true, value: folder };
};
