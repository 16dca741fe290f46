/** What can be done with a request: replay (as is or edited), diff, copy as cURL, export HAR. */
import type { ExchangeView } from '../../model/exchange-view';
import { copyText, downloadText, harFilename, useCommand } from '../../session/commands';
import { notify } from '../../stores/notices/store';
import { openReplayEditor, selectExchange, startDiff } from '../../stores/selection/store';

export function ActionsBar({ view }: { view: ExchangeView }) {
  const run = useCommand();
  return (
    <div className="actions-bar" role="toolbar" aria-label="Request actions">
      <button
        type="button"
        data-testid="action-replay"
        title="Send the same request again"
        onClick={async () => {
          const id = await run('replay', view.id);
          if (id !== undefined) selectExchange(id);
        }}
      >
        Replay
      </button>
      <button type="button" data-testid="action-edit-replay" title="Change method, URL, headers, body or environ, then send" onClick={openReplayEditor}>
        Edit and replay
      </button>
      <button type="button" data-testid="action-diff" title="Compare with another request" onClick={() => startDiff(view.id)}>
        Diff with…
      </button>
      <button
        type="button"
        data-testid="action-curl"
        onClick={async () => {
          const command = await run('curl', view.id);
          if (command === undefined) return;
          if (command === null) return notify('error', 'This request is no longer recorded.');
          if (await copyText(command)) notify('info', 'Copied as cURL');
          else notify('error', 'Could not copy: no clipboard access');
        }}
      >
        Copy as cURL
      </button>
      <button
        type="button"
        data-testid="action-export-har"
        onClick={async () => {
          const har = await run('exportHar', [view.id]);
          if (har !== undefined) downloadText(harFilename(), har);
        }}
      >
        Export HAR
      </button>
    </div>
  );
}
