// Just enough XML writing for the query protocols' responses: elements, text, and lists whose
// items are <member> (Auto Scaling) or <item> (EC2). Absent (undefined) values are left out,
// and an empty list is an empty element, which both the SDK and the CLI read as [].

export type XmlValue = string | number | boolean | undefined | readonly XmlValue[] | { readonly [name: string]: XmlValue };

export type ListItem = 'member' | 'item';

export function element(name: string, value: XmlValue, item: ListItem): string {
  if (value === undefined) return '';
  if (Array.isArray(value)) return value.length === 0 ? `<${name}/>` : `<${name}>${value.map((v) => element(item, v, item)).join('')}</${name}>`;
  if (typeof value === 'object') return `<${name}>${children(value as { readonly [name: string]: XmlValue }, item)}</${name}>`;
  return `<${name}>${escapeText(String(value))}</${name}>`;
}

export function children(fields: { readonly [name: string]: XmlValue }, item: ListItem): string {
  return Object.entries(fields)
    .map(([name, value]) => element(name, value, item))
    .join('');
}

/**
 * Text content needs only these three; AWS leaves quotes and apostrophes as they are. A
 * character XML 1.0 cannot carry at all (a control character a validation message quotes
 * back) becomes U+FFFD, so that the answer stays a document every client can parse.
 */
export function escapeText(text: string): string {
  return text
    .replace(/[&<>]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;' })[c] ?? c)
    .replace(/[^\u0009\u000A\u000D\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, '\uFFFD');
}
