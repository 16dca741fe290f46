/** A Python traceback with frames, source lines and the exception message told apart. */
import { useMemo } from 'react';
import { parseTraceback } from '../../model/traceback';

export function Traceback(props: { text: string; testId?: string }) {
  const lines = useMemo(() => parseTraceback(props.text), [props.text]);
  return (
    <pre className="traceback" data-testid={props.testId ?? 'traceback'}>
      {lines.map((line, i) => (
        <div key={i} className={`tb-${line.kind}`}>
          {line.text || '\u00a0'}
        </div>
      ))}
    </pre>
  );
}
