// The one rule for a health check path, shared by the descriptor's checks (which refuse a
// bad path when it is written, with a diagnostic) and lb-sync (which refuses a bad backend
// entry in etcd, whoever wrote it). The path ends up in haproxy.cfg (`option httpchk GET
// <path>`), so it may hold only RFC 3986 path and query characters, without those haproxy's
// config parser treats specially: quotes, backslash, `$`, `#`, whitespace.

/** The longest health path, in characters. */
export const MAX_HEALTH_PATH_LENGTH = 1024;

const HEALTH_PATH = new RegExp(`^/[A-Za-z0-9\\-._~!&()*+,;=:@/%?]{0,${MAX_HEALTH_PATH_LENGTH - 1}}$`);

/** What is wrong with a health path, or undefined when lb-sync would serve it. */
export function healthPathProblem(path: string): string | undefined {
  if (!path.startsWith('/')) return 'must start with /';
  if (path.length > MAX_HEALTH_PATH_LENGTH) return `is ${path.length} characters long, more than ${MAX_HEALTH_PATH_LENGTH}`;
  if (HEALTH_PATH.test(path)) return undefined;
  const bad = [...path].find((c) => !/[A-Za-z0-9\-._~!&()*+,;=:@/%?]/.test(c))!;
  return `holds ${JSON.stringify(bad)}: only URL path and query characters are allowed (no quotes, spaces, backslash, $ or #)`;
}
