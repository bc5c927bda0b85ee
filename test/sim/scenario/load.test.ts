import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SCENARIOS_DIR, checkScenarioText, loadScenarioFile } from '../../../src/sim/scenario/load.js';
import { syntheticScenario } from '../../../src/sim/scenario/synthetic.js';

describe('scenarios', () => {
  it.each(readdirSync(SCENARIOS_DIR).filter((f) => f.endsWith('.json') && !f.includes('schema')))('shipped scenario %s is valid', async (file) => {
    const result = await loadScenarioFile(new URL(file, SCENARIOS_DIR).pathname);
    expect(result.ok ? [] : result.diagnostics).toEqual([]);
  });

  it('the demo matches the example schedule: group workers (ASG shop-prod-workers), 12 nodes in 3 zones, shop/web and shop/search', async () => {
    const result = await loadScenarioFile(new URL('demo.json', SCENARIOS_DIR).pathname);
    if (!result.ok) throw new Error('demo.json invalid');
    const [group] = result.scenario.nodeGroups;
    expect(group).toMatchObject({ name: 'workers', asg: 'shop-prod-workers', desired: 12, zones: ['eu-west-1a', 'eu-west-1b', 'eu-west-1c'] });
    expect(result.scenario.workloads!.length).toBeGreaterThanOrEqual(12);
    expect(result.scenario.workloads!.filter((w) => w.pdb).length).toBeGreaterThanOrEqual(10);
    expect(result.scenario.workloads!.map((w) => `${w.namespace}/${w.name}`)).toEqual(expect.arrayContaining(['shop/web', 'shop/search']));
  });

  it('reports schema and consistency errors at their line and column', () => {
    const text = [
      '{',
      '  "name": "bad",',
      '  "nodeGroups": [',
      '    { "name": "w", "zones": ["eu-west-1a"], "min": 3, "max": 2, "desired": 2,',
      '      "allocatable": { "cpu": "lots", "memory": "1Gi", "pods": 10 } }',
      '  ]',
      '}',
    ].join('\n');
    const schema = checkScenarioText(text, 'bad.json');
    expect(schema.ok).toBe(false);
    if (!schema.ok) expect(schema.diagnostics.map((d) => `${d.line}:${d.column} ${d.code} ${d.pointer}`)).toEqual(['5:31 SCALERD_ERR_SCENARIO_SCHEMA /nodeGroups/0/allocatable/cpu']);
    const consistency = checkScenarioText(text.replace('"lots"', '"2"'), 'bad.json');
    if (consistency.ok) throw new Error('expected errors');
    expect(consistency.diagnostics.map((d) => `${d.line}:${d.column} ${d.code} ${d.pointer} ${d.message}`)).toEqual(['4:52 SCALERD_ERR_SCENARIO_INVALID /nodeGroups/0/min min 3 is above max 2']);
  });

  it('generates a scenario with N×M pods that fit', () => {
    const scenario = syntheticScenario(10, 45);
    expect(scenario.nodeGroups[0]!.desired).toBe(10);
    expect(scenario.workloads!.reduce((n, w) => n + w.replicas, 0)).toBe(450);
    expect(scenario.nodeGroups[0]!.allocatable.pods).toBeGreaterThan(45);
    // scalerd's namespace, where its Lease is: without it a daemon against it never leads.
    expect(scenario.namespaces).toContain('scalerd');
  });
});
