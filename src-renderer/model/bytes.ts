/**
 * Bytes as the wire carries them (base64) and as the viewers need them (Uint8Array, text).
 * Pure; uses only atob/btoa and TextEncoder/TextDecoder, present in browsers and jsdom.
 */

export function base64ToBytes(base64: string): Uint8Array {
  if (!base64) return new Uint8Array(0);
  const binary = atob(base64);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

export function bytesToBase64(bytes: Uint8Array): string {
  let binary = '';
  // Chunked: String.fromCharCode(...bytes) overflows the stack on large bodies.
  for (let i = 0; i < bytes.length; i += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(binary);
}

export function textToBase64(text: string): string {
  return bytesToBase64(new TextEncoder().encode(text));
}

/**
 * The bytes as UTF-8 text, or null when they are not valid UTF-8. A truncated capture may end
 * inside a multi-byte character: up to three trailing bytes of an incomplete sequence are
 * forgiven when `truncated` is set.
 */
export function decodeUtf8(bytes: Uint8Array, truncated = false): string | null {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  try {
    return decoder.decode(bytes);
  } catch {
    if (!truncated) return null;
  }
  for (let cut = 1; cut <= 3 && cut < bytes.length; cut++) {
    try {
      return new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(0, bytes.length - cut));
    } catch {
      // try a shorter prefix
    }
  }
  return null;
}

/** Text a person can read: no NUL and few other control characters (tab, CR, LF, FF are fine). */
export function isReadableText(text: string): boolean {
  if (text.length === 0) return true;
  let control = 0;
  const sample = Math.min(text.length, 8192);
  for (let i = 0; i < sample; i++) {
    const c = text.charCodeAt(i);
    if (c === 0) return false;
    if (c < 32 && c !== 9 && c !== 10 && c !== 13 && c !== 12) control++;
  }
  return control / sample < 0.01;
}

/** Bytes read as Latin-1: one char per byte, for byte-level searching (multipart boundaries). */
export function bytesToBinaryString(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i < bytes.length; i += 0x8000) {
    out += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return out;
}

export function binaryStringToBytes(binary: string): Uint8Array {
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i) & 0xff;
  return bytes;
}
