/** The link to the forkwatch process: shown only when it is not simply open. */
import { useConnection } from '../../stores/server/hooks';

export function ConnectionIndicator() {
  const connection = useConnection();
  if (connection.state === 'open') return null;
  const label = { connecting: 'Connecting…', reconnecting: 'Reconnecting…', closed: 'Disconnected' }[connection.state];
  return (
    <span className={`connection connection-${connection.state}`} data-testid="connection-status" data-state={connection.state} title={connection.detail}>
      {label}
    </span>
  );
}
