/** Parsed form bodies: urlencoded fields, and multipart parts with their files. */
import type { FormField, MultipartPart } from '../../model/form';
import { formatBytes } from '../../model/format';

export function FormFields({ fields }: { fields: FormField[] }) {
  if (fields.length === 0) return <p className="muted">No fields.</p>;
  return (
    <table className="kv-table" data-testid="body-form">
      <tbody>
        {fields.map((field, i) => (
          <tr key={i} data-testid="form-field" data-name={field.name}>
            <th scope="row">{field.name}</th>
            <td>{field.value}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function MultipartParts({ parts }: { parts: MultipartPart[] }) {
  return (
    <table className="kv-table" data-testid="body-multipart">
      <tbody>
        {parts.map((part, i) => (
          <tr key={i} data-testid="form-field" data-name={part.name}>
            <th scope="row">{part.name || <span className="muted">(no name)</span>}</th>
            <td>
              {part.filename !== null && (
                <div className="muted">
                  file <code>{part.filename}</code>
                  {part.contentType && `, ${part.contentType}`}, {formatBytes(part.size)}
                </div>
              )}
              {part.text !== null ? <pre className="part-text">{part.text}</pre> : <span className="muted">binary, {formatBytes(part.size)}</span>}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
