// Kubernetes resource quantities (k8s.io/apimachinery resource.Quantity): a decimal
// number with an SI, binary or exponent suffix. Converted exactly (BigInt) and rounded up,
// as Quantity.MilliValue() and Value() do, so "0.1" CPU is 100m and never 101m.
// Product code (the Kubernetes adapter) and the simulator share this one parser.

const DECIMAL: Record<string, number> = { n: -9, u: -6, m: -3, '': 0, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };
const BINARY: Record<string, number> = { Ki: 10, Mi: 20, Gi: 30, Ti: 40, Pi: 50, Ei: 60 };

type Parsed = { negative: boolean; digits: bigint; power10: number; power2: number };

const QUANTITY_RE = /^([+-]?)(\d+(?:\.\d*)?|\.\d+)([a-zA-Z]*|[eE][+-]?\d+)$/;

function parse(text: string): Parsed {
  const m = QUANTITY_RE.exec(text.trim());
  if (!m) throw new RangeError(`quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$': ${JSON.stringify(text)}`);
  const [, sign, number, suffix] = m as unknown as [string, string, string, string];
  const [whole, fraction = ''] = number.split('.');
  const digits = BigInt(`${whole || '0'}${fraction}`);
  let power10 = -fraction.length;
  let power2 = 0;
  if (suffix in BINARY) power2 = BINARY[suffix]!;
  else if (suffix in DECIMAL) power10 += DECIMAL[suffix]!;
  else if (/^[eE][+-]?\d+$/.test(suffix)) power10 += Number(suffix.slice(1));
  else throw new RangeError(`unable to parse quantity's suffix: ${JSON.stringify(text)}`);
  return { negative: sign === '-', digits, power10, power2 };
}

/** The value times 10^scale, rounded up (towards +∞), as a number. */
function scaled(value: string | number, scale: number): number {
  const q = parse(String(value));
  let numerator = q.digits * 2n ** BigInt(q.power2);
  let denominator = 1n;
  const exponent = q.power10 + scale;
  if (exponent >= 0) numerator *= 10n ** BigInt(exponent);
  else denominator = 10n ** BigInt(-exponent);
  if (q.negative) return -Number(numerator / denominator);
  return Number((numerator + denominator - 1n) / denominator);
}

/** The quantity in its base unit (cores, bytes), unrounded: "500m" → 0.5, "1Ki" → 1024. */
export function parseQuantity(value: string | number): number {
  const q = parse(String(value));
  return (q.negative ? -1 : 1) * Number(q.digits) * 10 ** q.power10 * 2 ** q.power2;
}

const memo = new Map<string, number>();

function memoized(key: string, compute: () => number): number {
  let result = memo.get(key);
  if (result === undefined) {
    if (memo.size > 10_000) memo.clear(); // objects repeat a handful of quantities; bound the odd ones
    result = compute();
    memo.set(key, result);
  }
  return result;
}

/** CPU in millicores, rounded up: "500m" → 500, "2" → 2000, "1.5" → 1500. */
export function cpuMillis(value: string | number): number {
  return memoized(`m${value}`, () => scaled(value, 3));
}

/** Bytes (or any count), rounded up: "512Mi" → 536870912, "1G" → 1e9, "110" → 110. */
export function quantityValue(value: string | number): number {
  return memoized(`v${value}`, () => scaled(value, 0));
}
