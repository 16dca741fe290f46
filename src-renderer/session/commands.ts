/**
 * Running commands from components: errors become notices instead of unhandled rejections,
 * and the browser-only effects (clipboard, downloads) live here.
 */
import { useCallback } from 'react';
import type { CommandArgs, CommandName, CommandResult } from '@contract';
import { notify } from '../stores/notices/store';
import { useClient } from './client-context';

/** `run(name, ...args)`: resolves with the result, or undefined after showing the error. */
export function useCommand() {
  const client = useClient();
  return useCallback(
    async <K extends CommandName>(name: K, ...args: CommandArgs<K>): Promise<CommandResult<K> | undefined> => {
      try {
        return await client.call(name, ...args);
      } catch (error) {
        notify('error', `${name} failed: ${error instanceof Error ? error.message : String(error)}`);
        return undefined;
      }
    },
    [client],
  );
}

export async function copyText(text: string): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    // No clipboard permission (or an insecure context): the old way.
    const area = document.createElement('textarea');
    area.value = text;
    area.style.position = 'fixed';
    area.style.opacity = '0';
    document.body.appendChild(area);
    area.select();
    const ok = document.execCommand?.('copy') ?? false;
    area.remove();
    return ok;
  }
}

/** Saves text as a file through a Blob URL and a temporary link. */
export function downloadText(filename: string, text: string, type = 'application/json'): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const link = document.createElement('a');
  link.href = url;
  link.download = filename;
  document.body.appendChild(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

export function harFilename(now = new Date()): string {
  const stamp = now.toISOString().replace(/[:]/g, '-').replace(/\..+$/, '');
  return `forkwatch-${stamp}.har`;
}
