/** Reloads the app: new workers on the new code, the old ones finish what they serve. */
import type { ServerState } from '@contract';
import { useCommand } from '../../session/commands';

export function ReloadButton(props: { state: ServerState }) {
  const run = useCommand();
  const busy = props.state === 'reloading' || props.state === 'starting';
  return (
    <button type="button" data-testid="reload-button" disabled={busy || props.state === 'stopped'} onClick={() => void run('reload')} title="Reload the app code (like SIGHUP)">
      {props.state === 'reloading' ? 'Reloading…' : 'Reload'}
    </button>
  );
}
