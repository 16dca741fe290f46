/** JSON, pretty and foldable: objects and arrays open two levels deep, click to fold. */
import { useState } from 'react';

const OPEN_DEPTH = 2;
/** Children shown per object or array before a "show more". */
const PAGE = 200;

export function JsonTree({ value }: { value: unknown }) {
  return (
    <div className="json-tree" data-testid="body-json">
      <JsonNode value={value} depth={0} last />
    </div>
  );
}

function JsonNode({ name, value, depth, last }: { name?: string; value: unknown; depth: number; last: boolean }) {
  const [open, setOpen] = useState(depth < OPEN_DEPTH);
  const [shown, setShown] = useState(PAGE);
  const comma = last ? '' : ',';
  const label = name !== undefined ? <span className="json-key">{JSON.stringify(name)}: </span> : null;
  if (value === null || typeof value !== 'object') {
    return (
      <div className="json-line">
        {label}
        <span className={`json-${value === null ? 'null' : typeof value}`}>{JSON.stringify(value)}</span>
        {comma}
      </div>
    );
  }
  const isArray = Array.isArray(value);
  const entries: [string | undefined, unknown][] = isArray ? value.map((v) => [undefined, v]) : Object.entries(value);
  const [openBrace, closeBrace] = isArray ? ['[', ']'] : ['{', '}'];
  if (entries.length === 0) {
    return (
      <div className="json-line">
        {label}
        {openBrace}
        {closeBrace}
        {comma}
      </div>
    );
  }
  return (
    <div className="json-node">
      <div className="json-line">
        <button type="button" className="json-toggle" aria-expanded={open} onClick={() => setOpen(!open)}>
          {open ? '▾' : '▸'}
        </button>
        {label}
        {openBrace}
        {!open && (
          <span className="muted">
            {' '}
            {entries.length} {isArray ? 'items' : 'keys'} {closeBrace}
            {comma}
          </span>
        )}
      </div>
      {open && (
        <>
          <div className="json-children">
            {entries.slice(0, shown).map(([key, child], i) => (
              <JsonNode key={key ?? i} name={key} value={child} depth={depth + 1} last={i === entries.length - 1} />
            ))}
            {entries.length > shown && (
              <button type="button" className="link" onClick={() => setShown(shown + PAGE)}>
                … {entries.length - shown} more
              </button>
            )}
          </div>
          <div className="json-line">
            {closeBrace}
            {comma}
          </div>
        </>
      )}
    </div>
  );
}
