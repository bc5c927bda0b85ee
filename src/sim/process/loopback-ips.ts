// Pod IPs for pods that run a real process: addresses on loopback (Linux routes all of
// 127.0.0.0/8 to lo, so a process can listen on 127.x.y.z:8080 next to another on
// 127.x.y.w:8080 without setup). 127.0.0.0/16 is left alone (127.0.0.1, Debian's
// 127.0.1.1); each simulator starts at a random place in 127.16.0.0–127.254.255.254 and
// counts up, never reusing an address, so two simulators on one machine rarely meet.

import { randomInt } from 'node:crypto';

const FIRST = (127 << 24) | (16 << 16);
const SIZE = (239 << 16) - 1; // up to 127.254.255.254

export class LoopbackIpAllocator {
  readonly #start: number;
  #next = 0;

  constructor(start: number = randomInt(SIZE)) {
    this.#start = start;
  }

  allocate(): string {
    for (;;) {
      if (this.#next === SIZE) throw new RangeError('the simulator has used every loopback pod IP it has');
      const n = (FIRST + ((this.#start + this.#next++) % SIZE)) >>> 0;
      const last = n & 0xff;
      if (last !== 0 && last !== 0xff) return [n >>> 24, (n >>> 16) & 0xff, (n >>> 8) & 0xff, last].join('.');
    }
  }
}
