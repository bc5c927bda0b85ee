// Values as the API server's messages print them: Go's %q for strings, %v for numbers and
// booleans, %#v for the rest (field.Error.ErrorBody). Only the shapes the simulator's rules
// report are rendered as Go would; anything else falls back to JSON.

type Loose = Record<string, any>;

const isObject = (v: unknown): v is Loose => typeof v === 'object' && v !== null && !Array.isArray(v);

export function goValue(value: unknown): string {
  if (value instanceof GoRendered) return value.text;
  if (value === undefined || value === null) return 'null';
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value) && value.every((v) => typeof v === 'string')) return goStrings(value);
  return JSON.stringify(value);
}

/** []string{"a", "b"} */
export function goStrings(values: readonly string[] | undefined): string {
  return values === undefined ? '[]string(nil)' : `[]string{${values.map((v) => JSON.stringify(v)).join(', ')}}`;
}

/** map[string]string{"a":"b"}, keys sorted as fmt prints maps. */
export function goStringMap(map: Readonly<Record<string, string>> | undefined): string {
  if (map === undefined) return 'map[string]string(nil)';
  const entries = Object.keys(map).sort().map((k) => `${JSON.stringify(k)}:${JSON.stringify(map[k])}`);
  return `map[string]string{${entries.join(', ')}}`;
}

/** A metav1.LabelSelector as %#v prints it (the value of "field is immutable" on selectors). */
export function goLabelSelector(selector: unknown): string {
  if (!isObject(selector)) return '(*v1.LabelSelector)(nil)';
  const expressions = selector.matchExpressions as Loose[] | undefined;
  const requirement = (r: Loose) => `v1.LabelSelectorRequirement{Key:${JSON.stringify(String(r.key ?? ''))}, Operator:${JSON.stringify(String(r.operator ?? ''))}, Values:${goStrings(r.values)}}`;
  const rendered = expressions === undefined ? '[]v1.LabelSelectorRequirement(nil)' : `[]v1.LabelSelectorRequirement{${expressions.map(requirement).join(', ')}}`;
  return `v1.LabelSelector{MatchLabels:${goStringMap(selector.matchLabels)}, MatchExpressions:${rendered}}`;
}

/** A value already in its Go form (a selector, a struct), printed as it is. */
export class GoRendered {
  constructor(readonly text: string) {}
}
