// MaxRecords/MaxResults paging with opaque NextTokens. A token holds the offset of the next
// page, so a list that changes between two calls may repeat or skip an item — AWS promises no
// more than that either.

export type Page<T> = { readonly items: T[]; readonly nextToken?: string };

const PREFIX = 'scalerd-sim:';

/** The page after `token` (from the start without one); undefined when the token is not one of ours. */
export function page<T>(all: readonly T[], size: number, token: string | undefined): Page<T> | undefined {
  const start = token === undefined ? 0 : offsetOf(token);
  if (start === undefined) return undefined;
  const items = all.slice(start, start + size);
  const next = start + size;
  return next < all.length ? { items, nextToken: Buffer.from(`${PREFIX}${next}`).toString('base64url') } : { items };
}

function offsetOf(token: string): number | undefined {
  const text = Buffer.from(token, 'base64url').toString('utf8');
  if (!text.startsWith(PREFIX)) return undefined;
  const n = Number(text.slice(PREFIX.length));
  return Number.isSafeInteger(n) && n >= 0 ? n : undefined;
}
