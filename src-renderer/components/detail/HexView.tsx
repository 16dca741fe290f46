/** Binary bodies as a hex dump. */
import { useMemo } from 'react';
import { hexDump } from '../../model/hex';
import { formatBytes } from '../../model/format';

export function HexView({ bytes }: { bytes: Uint8Array }) {
  const dump = useMemo(() => hexDump(bytes), [bytes]);
  return (
    <div className="hex-view" data-testid="body-hex">
      <pre>
        {dump.lines.map((line) => (
          <div key={line.offset}>
            <span className="hex-offset">{line.offset}</span> <span className="hex-bytes">{line.hex}</span> <span className="hex-ascii">|{line.ascii}|</span>
          </div>
        ))}
      </pre>
      {dump.omitted > 0 && <p className="muted">{formatBytes(dump.omitted)} more not shown.</p>}
    </div>
  );
}
