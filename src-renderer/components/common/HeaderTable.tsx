/** An ordered header list: duplicates and order kept, as they were sent. */
export interface HeaderRow {
  name: string;
  value: string;
  /** Marked as added by the server. */
  serverAdded?: boolean;
}

export function HeaderTable(props: { headers: HeaderRow[]; testId?: string; empty?: string }) {
  if (props.headers.length === 0) return <p className="muted">{props.empty ?? 'No headers.'}</p>;
  return (
    <table className="kv-table" data-testid={props.testId}>
      <tbody>
        {props.headers.map((h, i) => (
          <tr key={i} className={h.serverAdded ? 'server-added' : undefined} data-testid="header-row" data-name={h.name} data-server-added={h.serverAdded ? 'true' : undefined}>
            <th scope="row">{h.name}</th>
            <td>
              {h.value}
              {h.serverAdded && (
                <span className="tag" title="Added by forkwatch, not by the app's start_response">
                  server
                </span>
              )}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
