import { describe, expect, it } from 'vitest';
import {
  PHASES, SCALE_DOWN_ANNOTATION, SCALE_DOWN_TAINT, canAdvance, canRollBack, formatMark, markChange, phaseChange, readMark, rollbackChange,
} from '../../src/plan/index.js';
import { T0 } from './builders.js';

const node = (taints: { key: string; value?: string; effect: 'NoSchedule' }[], annotations: Record<string, string>) => ({ taints, annotations });

describe('scalerd marks on a node', () => {
  it('reads no mark', () => {
    expect(readMark(node([], {}), 'scalerd')).toEqual({ kind: 'none' });
  });

  it('reads its own mark back as written by markChange', () => {
    const change = markChange('scalerd', T0);
    const n = node([...change.addTaints!] as never, { [SCALE_DOWN_ANNOTATION]: change.annotations![SCALE_DOWN_ANNOTATION]! });
    expect(readMark(n, 'scalerd')).toEqual({ kind: 'ours', mark: { owner: 'scalerd', startedAt: T0, phase: 'cordoned' }, damaged: false });
    expect(change.unschedulable).toBe(true);
    expect(change.addTaints).toEqual([{ key: SCALE_DOWN_TAINT, value: 'scalerd', effect: 'NoSchedule' }]);
  });

  it('tells another owner’s mark apart, by annotation or by taint', () => {
    const byAnnotation = node([], { [SCALE_DOWN_ANNOTATION]: formatMark({ owner: 'blue', startedAt: T0, phase: 'draining' }) });
    expect(readMark(byAnnotation, 'scalerd')).toEqual({ kind: 'other', owner: 'blue' });
    expect(readMark(node([{ key: SCALE_DOWN_TAINT, value: 'blue', effect: 'NoSchedule' }], {}), 'scalerd')).toEqual({ kind: 'other', owner: 'blue' });
  });

  it('reads a damaged annotation under its own taint as phase cordoned, the least advanced', () => {
    const n = node([{ key: SCALE_DOWN_TAINT, value: 'scalerd', effect: 'NoSchedule' }], { [SCALE_DOWN_ANNOTATION]: '{not json' });
    expect(readMark(n, 'scalerd')).toEqual({ kind: 'ours', mark: { owner: 'scalerd', startedAt: undefined, phase: 'cordoned' }, damaged: true });
    const unknownPhase = node([], { [SCALE_DOWN_ANNOTATION]: JSON.stringify({ owner: 'scalerd', phase: 'exploded' }) });
    expect(readMark(unknownPhase, 'scalerd')).toMatchObject({ kind: 'ours', damaged: true, mark: { phase: 'cordoned' } });
  });

  it('moves phases forward one at a time and never rolls back a terminating node', () => {
    expect(PHASES).toEqual(['cordoned', 'draining', 'drained', 'terminating']);
    expect(canAdvance('cordoned', 'draining')).toBe(true);
    expect(canAdvance('cordoned', 'drained')).toBe(false);
    expect(canAdvance('drained', 'draining')).toBe(false);
    expect(canRollBack('drained')).toBe(true);
    expect(canRollBack('terminating')).toBe(false);
  });

  it('changes the phase without touching owner or start time, and rolls back every mark', () => {
    const mark = { owner: 'scalerd', startedAt: T0, phase: 'cordoned' as const };
    expect(JSON.parse(phaseChange(mark, 'draining').annotations![SCALE_DOWN_ANNOTATION]!)).toEqual({ owner: 'scalerd', startedAt: '2026-03-02T20:00:00.000Z', phase: 'draining' });
    expect(rollbackChange()).toEqual({ unschedulable: false, removeTaintKeys: [SCALE_DOWN_TAINT], annotations: { [SCALE_DOWN_ANNOTATION]: null } });
  });
});
