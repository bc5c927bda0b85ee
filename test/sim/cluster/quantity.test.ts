import { describe, expect, it } from 'vitest';
import { cpuMillis, parseQuantity, quantityValue } from '../../../src/sim/kube/quantity.js';

describe('Kubernetes quantities', () => {
  it.each([
    ['500m', 500], ['2', 2000], ['1.5', 1500], ['0.1', 100], ['100m', 100], [2, 2000], ['1e3', 1_000_000],
    // Rounded up like Quantity.MilliValue(): a fraction of a millicore is a whole one.
    ['0.0001', 1], ['1u', 1], ['250000000n', 250],
  ])('cpu %s is %d millicores', (text, millis) => {
    expect(cpuMillis(text)).toBe(millis);
  });

  it.each([
    ['512Mi', 512 * 2 ** 20], ['16Gi', 16 * 2 ** 30], ['1G', 1e9], ['100k', 100_000], ['1e3', 1000], ['1E3', 1000],
    ['1.5Gi', 1.5 * 2 ** 30], ['1Ki', 1024], ['128974848', 128974848], ['129M', 129e6], ['1.1G', 1.1e9], ['110', 110],
    ['0.1Gi', 107374183], ['1Ti', 2 ** 40], ['2E', 2e18],
  ])('%s is %d', (text, value) => {
    expect(quantityValue(text)).toBe(value);
  });

  it('parses the base unit without rounding', () => {
    expect(parseQuantity('500m')).toBe(0.5);
    expect(parseQuantity('-1Ki')).toBe(-1024);
    expect(parseQuantity('.5')).toBe(0.5);
    expect(parseQuantity('+2')).toBe(2);
  });

  it.each(['', 'abc', '1K', '1.2.3', '1 Gi', 'Mi', '1e', '1iB'])('rejects %j', (text) => {
    expect(() => quantityValue(text)).toThrow(RangeError);
  });
});
