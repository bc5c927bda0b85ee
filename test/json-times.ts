// What no JSON output of scalerd may carry: an instant as epoch milliseconds. Walks a
// document and names every number that looks like one (1973 to 2286, in ms), and every
// time-like field whose text is not RFC 3339.

const EPOCH_MS = (n: number) => Number.isInteger(n) && n >= 1e11 && n < 1e13;
const TIME_KEY = /^(at|deadline|until|since|from|to|start|end|time|timestamp|[a-z]+At)$/;
const RFC3339 = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/;

/** "path: value" for every offending field. */
export function epochMsFields(doc: unknown, path = '$'): string[] {
  if (Array.isArray(doc)) return doc.flatMap((v, i) => epochMsFields(v, `${path}[${i}]`));
  if (doc === null || typeof doc !== 'object') return [];
  return Object.entries(doc).flatMap(([key, value]) => {
    const at = `${path}.${key}`;
    if (typeof value === 'number' && EPOCH_MS(value)) return [`${at}: ${value}`];
    if (typeof value === 'string' && TIME_KEY.test(key) && /^\d{4}-\d\d-\d\dT/.test(value) && !RFC3339.test(value)) return [`${at}: ${value}`];
    return epochMsFields(value, at);
  });
}
