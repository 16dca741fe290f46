/** Copies a value to the clipboard and says so. */
import { copyText } from '../../session/commands';
import { notify } from '../../stores/notices/store';

export function CopyButton(props: { text: string; label?: string; what?: string; testId?: string }) {
  return (
    <button
      type="button"
      className="copy-button"
      title={`Copy ${props.what ?? 'value'}`}
      aria-label={`Copy ${props.what ?? 'value'}`}
      data-testid={props.testId ?? 'copy-value'}
      onClick={async (event) => {
        event.stopPropagation();
        const ok = await copyText(props.text);
        notify(ok ? 'info' : 'error', ok ? `Copied ${props.what ?? 'value'}` : 'Could not copy: no clipboard access');
      }}
    >
      {props.label ?? 'Copy'}
    </button>
  );
}
