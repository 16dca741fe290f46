/** The environ the app received: searchable, grouped (CGI, HTTP_*, wsgi.*, other), copyable. */
import { useMemo, useState } from 'react';
import { groupEnviron } from '../../model/environ';
import type { ExchangeView } from '../../model/exchange-view';
import { CopyButton } from '../common/CopyButton';

export function EnvironCard({ view }: { view: ExchangeView }) {
  const [query, setQuery] = useState('');
  const groups = useMemo(() => groupEnviron(view.environ, query), [view.environ, query]);
  return (
    <div className="card environ-card">
      <input type="search" className="card-search" data-testid="environ-search" placeholder="Search keys and values" aria-label="Search the environ" value={query} onChange={(e) => setQuery(e.target.value)} />
      {groups.length === 0 && <p className="muted">{view.environ.length === 0 ? 'No environ was recorded (the request never reached a worker).' : 'Nothing matches.'}</p>}
      {groups.map((group) => (
        <section key={group.name} className="environ-group" data-testid="environ-group" data-group={group.name}>
          <h3>{group.title}</h3>
          <table className="kv-table">
            <tbody>
              {group.entries.map((entry) => (
                <tr key={entry.key} data-testid="environ-row" data-key={entry.key}>
                  <th scope="row">{entry.key}</th>
                  <td className={entry.isTypeName ? 'type-name' : undefined} data-testid="environ-value">
                    {entry.value === '' ? <span className="muted">(empty)</span> : entry.value}
                  </td>
                  <td className="row-action">
                    <CopyButton text={entry.value} what={entry.key} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      ))}
    </div>
  );
}
