// What a process wrote to stdout and stderr, interleaved as it came, keeping only the
// last `limit` bytes (a container runtime's log rotation, in memory).

export const DEFAULT_LOG_LIMIT = 64 * 1024;

export class LogBuffer {
  readonly #limit: number;
  #chunks: Buffer[] = [];
  #size = 0;
  /** Older output was dropped in the middle of a line. */
  #partial = false;

  constructor(limit = DEFAULT_LOG_LIMIT) {
    this.#limit = limit;
  }

  append(chunk: Buffer): void {
    this.#chunks.push(chunk);
    this.#size += chunk.length;
    while (this.#size > this.#limit && this.#chunks.length > 0) {
      const first = this.#chunks[0]!;
      const excess = this.#size - this.#limit;
      const cut = Math.min(first.length, excess);
      this.#partial = first[cut - 1] !== 0x0a;
      if (cut === first.length) this.#chunks.shift();
      else this.#chunks[0] = first.subarray(cut);
      this.#size -= cut;
    }
  }

  /** The text kept, from its first whole line on. */
  text(): string {
    const text = Buffer.concat(this.#chunks).toString('utf8');
    if (!this.#partial) return text;
    const newline = text.indexOf('\n');
    return newline < 0 ? text : text.slice(newline + 1);
  }
}
