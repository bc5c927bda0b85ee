// Issue 12 for the daemon's log: a message or a field quoting an override's reason or a
// window's name. The pretty lines (a terminal's) show it escaped; the JSON lines keep it
// exact, as JSON escapes its control characters itself.

import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/daemon/log.js';
import { rawControls } from '../text/never-raw.js';

const REASON = 'load test\n[12:00:00] INFO: forged \x1b[31mred\x1b[0m \u202eevil\u0000';
const REASON_SHOWN = 'load test\\n[12:00:00] INFO: forged \\x1b[31mred\\x1b[0m \\u202eevil\\x00';

function logTo(pretty: boolean): { log: ReturnType<typeof createLogger>; text: () => string } {
  const destination = new PassThrough();
  let text = '';
  destination.on('data', (chunk: Buffer) => { text += chunk.toString(); });
  return { log: createLogger({ pretty, destination }), text: () => text };
}

function write(log: ReturnType<typeof createLogger>): void {
  const source = `override k3x9qa (${REASON}, by alice)`;
  log.info({ event: 'decision', group: 'workers', desired: source }, `scale up shop-prod-workers: desired + 2 (${source})`);
  log.warn({ event: 'override-skipped', key: 'evil\x1b[2J\u202ekey' }, 'overrides entry "evil\x1b[2J\u202ekey": the key is not a ConfigMap key');
  log.error({ event: 'reconcile-failed', err: new Error(`answer \u009b2J${REASON}`) }, 'reconcile failed');
}

describe('the daemon log', () => {
  it('pretty-printed, shows what people and the cluster wrote escaped, one line per entry', () => {
    const { log, text } = logTo(true);
    write(log);
    const lines = text().split('\n');
    expect(rawControls(text()), text()).toEqual([]);
    expect(lines[0]).toMatch(/^\[\d\d:\d\d:\d\d\] INFO: scale up shop-prod-workers: desired \+ 2 \(override k3x9qa \(load test\\n\[12:00:00\] INFO: forged \\x1b\[31mred\\x1b\[0m \\u202eevil\\x00, by alice\)\) \{"event":"decision","group":"workers","desired":"override k3x9qa \(load test\\n/);
    expect(lines[0]).toContain(`"desired":"override k3x9qa (${REASON_SHOWN}, by alice)"`);
    expect(lines[1]).toMatch(/^\[\d\d:\d\d:\d\d\] WARN: overrides entry "evil\\x1b\[2J\\u202ekey": the key is not a ConfigMap key \{"event":"override-skipped","key":"evil\\x1b\[2J\\u202ekey"\}$/);
    expect(lines[2]).toMatch(/^\[\d\d:\d\d:\d\d\] ERROR: reconcile failed \{"event":"reconcile-failed"\}$/);
    // The error's stack keeps its lines (indented under err); its message, escaped whole, forges none.
    expect(text()).toContain(`Error: answer \\x9b2J${REASON_SHOWN}\n`);
    expect(lines.filter((line) => line.trimStart().startsWith('[12:00:00]'))).toEqual([]);
  });

  it('as JSON lines, keeps the text exact', () => {
    const { log, text } = logTo(false);
    write(log);
    const lines = text().trimEnd().split('\n');
    expect(lines).toHaveLength(3);
    const [decision, skipped, failed] = lines.map((line) => JSON.parse(line) as Record<string, any>);
    expect(decision!.desired).toBe(`override k3x9qa (${REASON}, by alice)`);
    expect(decision!.msg).toBe(`scale up shop-prod-workers: desired + 2 (override k3x9qa (${REASON}, by alice))`);
    expect(skipped!.key).toBe('evil\x1b[2J\u202ekey');
    expect(failed!.err.message).toBe(`answer \u009b2J${REASON}`);
  });
});
