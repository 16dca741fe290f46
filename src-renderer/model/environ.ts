/**
 * The WSGI environ grouped the way PEP 3333 describes it: the CGI variables, the HTTP_*
 * variables from request headers, the wsgi.* variables, then anything else the server or
 * middleware added. Order within a group is the order the app received. Pure.
 */

export type EnvironGroupName = 'cgi' | 'http' | 'wsgi' | 'other';

export interface EnvironEntry {
  key: string;
  value: string;
  /** Non-str values reach the wire as `<type name>`. */
  isTypeName: boolean;
}

export interface EnvironGroup {
  name: EnvironGroupName;
  title: string;
  entries: EnvironEntry[];
}

const GROUP_TITLES: Record<EnvironGroupName, string> = {
  cgi: 'CGI variables',
  http: 'HTTP_* (request headers)',
  wsgi: 'wsgi.*',
  other: 'Server and middleware',
};

const GROUP_ORDER: EnvironGroupName[] = ['cgi', 'http', 'wsgi', 'other'];

export function environGroupOf(key: string): EnvironGroupName {
  if (key.startsWith('HTTP_')) return 'http';
  if (key.startsWith('wsgi.')) return 'wsgi';
  // CGI/1.1 meta-variables (RFC 3875 §4.1) and the server's own upper-case ones (RAW_URI).
  if (/^[A-Z][A-Z0-9_]*$/.test(key)) return 'cgi';
  return 'other';
}

/** Groups the environ, keeping only entries whose key or value contains `query` (case-insensitive). */
export function groupEnviron(environ: readonly (readonly [string, string])[], query = ''): EnvironGroup[] {
  const needle = query.trim().toLowerCase();
  const groups = new Map<EnvironGroupName, EnvironEntry[]>(GROUP_ORDER.map((name) => [name, []]));
  for (const [key, value] of environ) {
    if (needle && !key.toLowerCase().includes(needle) && !value.toLowerCase().includes(needle)) continue;
    groups.get(environGroupOf(key))!.push({ key, value, isTypeName: /^<[^<>]+>$/.test(value) });
  }
  return GROUP_ORDER.filter((name) => groups.get(name)!.length > 0).map((name) => ({
    name,
    title: GROUP_TITLES[name],
    entries: groups.get(name)!,
  }));
}
