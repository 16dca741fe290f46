/** PEP 3333 findings: what the app did that the spec does not allow or advise against. */
import type { FindingRecord } from '@contract';

export function FindingsList({ findings }: { findings: FindingRecord[] }) {
  if (findings.length === 0) return null;
  return (
    <section className="findings" data-testid="findings-list">
      <h3>PEP 3333 findings</h3>
      <ul>
        {findings.map((finding, i) => (
          <li key={i} data-testid="finding" data-code={finding.code}>
            <code>{finding.code}</code> {finding.message}
          </li>
        ))}
      </ul>
    </section>
  );
}
