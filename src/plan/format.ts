// Numbers for people: CPU, memory, instants.

const trim = (value: number, digits: number): string => String(Number(value.toFixed(digits)));

/** 3500 → "3.5 CPU", 250 → "0.25 CPU". */
export function formatCpu(milli: number): string {
  return `${trim(milli / 1000, 3)} CPU`;
}

const GIB = 2 ** 30;
const MIB = 2 ** 20;

/** Bytes → "4 GiB", "1.5 GiB", "512 MiB". */
export function formatMemory(bytes: number): string {
  if (Math.abs(bytes) >= GIB) return `${trim(bytes / GIB, 2)} GiB`;
  return `${trim(bytes / MIB, 1)} MiB`;
}

export function formatInstant(ms: number | undefined): string {
  return ms === undefined ? 'unknown' : new Date(ms).toISOString().replace('.000Z', 'Z');
}

export const plural = (n: number, one: string, many = `${one}s`): string => `${n} ${n === 1 ? one : many}`;
