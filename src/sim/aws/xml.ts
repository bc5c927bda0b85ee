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

/** Text content needs only these three; AWS leaves quotes and apostrophes as they are. */
export function escapeText(text: string): string {
  return text.replace(/[&<>]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;' })[c] ?? c);
}
