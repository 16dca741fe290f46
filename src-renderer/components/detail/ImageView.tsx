/** An image body from its data: URL; tiny images (icons) are shown enlarged, pixels kept sharp. */
import { useState } from 'react';
import type { BodyView } from '../../model/body';
import { formatBytes } from '../../model/format';

const ZOOM_BELOW = 64;

export function ImageView({ body }: { body: BodyView }) {
  const [size, setSize] = useState<{ width: number; height: number } | null>(null);
  const [broken, setBroken] = useState(false);
  if (broken) {
    return <p className="note">The browser cannot show this image{body.truncated ? ': only part of it was captured' : ''}. Its bytes are in the Hex view.</p>;
  }
  const zoom = size !== null && Math.max(size.width, size.height) < ZOOM_BELOW ? 4 : 1;
  return (
    <figure className="image-view">
      <img
        className={`body-image${zoom > 1 ? ' zoomed' : ''}`}
        data-testid="body-image"
        src={body.imageUrl}
        alt={`${body.contentType ?? 'image'}, ${formatBytes(body.size)}`}
        style={size && zoom > 1 ? { width: size.width * zoom, height: size.height * zoom } : undefined}
        onLoad={(e) => setSize({ width: e.currentTarget.naturalWidth, height: e.currentTarget.naturalHeight })}
        onError={() => setBroken(true)}
      />
      {size && (
        <figcaption className="muted">
          {size.width} × {size.height} px{zoom > 1 && `, shown at ${zoom}×`}
        </figcaption>
      )}
    </figure>
  );
}
