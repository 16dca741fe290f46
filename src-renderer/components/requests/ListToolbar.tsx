/** Above the list: counts, pause/resume capture, clear, export everything as HAR. */
import { useCommand, downloadText, harFilename } from '../../session/commands';
import { useTotalRows } from '../../stores/exchanges/hooks';
import { useCapture } from '../../stores/server/hooks';
import { selectExchange } from '../../stores/selection/store';

export function ListToolbar({ visible }: { visible: number }) {
  const run = useCommand();
  const capture = useCapture();
  const total = useTotalRows();
  return (
    <div className="list-toolbar">
      <span className="request-count" data-testid="request-count">
        {visible === total ? `${total} requests` : `${visible} of ${total} requests`}
      </span>
      <button
        type="button"
        data-testid="capture-toggle"
        data-capture={capture}
        disabled={capture === 'off'}
        title={capture === 'off' ? 'Capture is off for this server (--no-capture)' : capture === 'on' ? 'Stop recording new requests (they are still served)' : 'Record requests again'}
        onClick={() => void run('setCapture', capture === 'on' ? 'paused' : 'on')}
      >
        {capture === 'paused' ? '▶ Resume capture' : '❚❚ Pause capture'}
      </button>
      <button
        type="button"
        data-testid="clear-button"
        disabled={total === 0}
        onClick={() => {
          selectExchange(null);
          void run('clear');
        }}
      >
        Clear
      </button>
      <button
        type="button"
        data-testid="export-har-all"
        disabled={total === 0}
        title="Download every recorded request as a HAR file"
        onClick={async () => {
          const har = await run('exportHar');
          if (har !== undefined) downloadText(harFilename(), har);
        }}
      >
        Export HAR
      </button>
    </div>
  );
}
