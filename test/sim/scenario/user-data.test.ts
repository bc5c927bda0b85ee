import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkScenarioText, loadScenarioFile } from '../../../src/sim/scenario/load.js';
import { registrationOf } from '../../../src/sim/scenario/user-data.js';

const WORKERS = new URL('../../../cloud-init/workers.yaml', import.meta.url);

function userData(registration: string): string {
  const indented = registration.split('\n').map((line) => `      ${line}`).join('\n');
  return `#cloud-config\nwrite_files:\n  - path: /etc/x/join.yaml\n    content: |\n      apiVersion: kubeadm.k8s.io/v1beta4\n      kind: JoinConfiguration\n${indented}\n`;
}

describe('a node group\'s labels and taints from its cloud-init user data', () => {
  it('reads the shipped workers template as a real instance would register', async () => {
    const registration = registrationOf(await readFile(WORKERS, 'utf8'));
    expect(registration).toEqual({ labels: { 'node.kubernetes.io/role': 'worker', 'scalerd.io/node-group': 'workers' }, taints: [] });
  });

  it('reads taints and labels in both kubeletExtraArgs forms (v1beta4 list, v1beta3 map)', () => {
    const v4 = userData('nodeRegistration:\n  kubeletExtraArgs:\n    - name: node-labels\n      value: "a=1,b=two"\n  taints:\n    - key: dedicated\n      value: batch\n      effect: NoSchedule');
    expect(registrationOf(v4)).toEqual({ labels: { a: '1', b: 'two' }, taints: [{ key: 'dedicated', value: 'batch', effect: 'NoSchedule' }] });
    const v3 = userData('nodeRegistration:\n  kubeletExtraArgs:\n    node-labels: "a=1"\n  taints:\n    - key: spot\n      effect: PreferNoSchedule');
    expect(registrationOf(v3)).toEqual({ labels: { a: '1' }, taints: [{ key: 'spot', effect: 'PreferNoSchedule' }] });
  });

  it('says what is wrong with user data it cannot use', () => {
    expect(() => registrationOf('write_files: []\n')).toThrow(/first line is not #cloud-config/);
    expect(() => registrationOf('#cloud-config\nwrite_files: []\n')).toThrow(/writes 0 kubeadm JoinConfigurations/);
    expect(() => registrationOf(userData('nodeRegistration:\n  taints:\n    - key: x\n      effect: Sometimes'))).toThrow(/taint x has effect Sometimes/);
    expect(() => registrationOf(userData('nodeRegistration:\n  kubeletExtraArgs:\n    - name: node-labels\n      value: "novalue"'))).toThrow(/"novalue" is not key=value/);
    expect(() => registrationOf('#cloud-config\nwrite_files: [\n')).toThrow(/not valid YAML/);
  });

  it('the demo scenario takes its workers\' labels from cloud-init/workers.yaml', async () => {
    const loaded = await loadScenarioFile('scenarios/demo.json');
    expect(loaded.ok).toBe(true);
    if (!loaded.ok) return;
    expect(loaded.scenario.nodeGroups[0]!.labels).toEqual({ 'node.kubernetes.io/role': 'worker', 'scalerd.io/node-group': 'workers' });
    // Resolved: the loaded scenario holds the labels as if written inline, and passes its own rules again.
    expect(loaded.scenario.nodeGroups[0]).not.toHaveProperty('userData');
    expect(checkScenarioText(JSON.stringify(loaded.scenario), 'resolved.json')).toMatchObject({ ok: true });
  });

  it('points at the userData of a scenario whose file is missing or broken, and refuses labels given twice', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'scalerd-userdata-'));
    const group = (extra: string) => `{"name":"t","nodeGroups":[{"name":"g","zones":["eu-west-1a"],"min":0,"max":3,"desired":1,"allocatable":{"cpu":"2","memory":"4Gi","pods":10}${extra}}]}`;
    await writeFile(join(dir, 'missing.json'), group(',"userData":"nope.yaml"'));
    const missing = await loadScenarioFile(join(dir, 'missing.json'));
    expect(missing.ok).toBe(false);
    if (!missing.ok) {
      expect(missing.diagnostics[0]).toMatchObject({ code: 'SCALERD_ERR_SCENARIO_USER_DATA', pointer: '/nodeGroups/0/userData', line: 1 });
      expect(missing.diagnostics[0]!.message).toMatch(/nope\.yaml.*ENOENT/);
    }
    await writeFile(join(dir, 'both.json'), group(',"userData":"x.yaml","labels":{"a":"b"}'));
    const both = await loadScenarioFile(join(dir, 'both.json'));
    expect(both.ok).toBe(false);
    if (!both.ok) expect(both.diagnostics[0]!.message).toMatch(/userData and also labels or taints/);
  });
});
