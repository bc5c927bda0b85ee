// The Examples section of every command's --help, keyed by the command's path. A test
// checks that every registered command has one and that each example names a command and
// flags that exist, with the required ones present. Names are the demo's
// (schedules/example.json, scenarios/demo.json).

import type { Command } from 'commander';
import { walkCommands } from './command-tree.js';

export type Example = { readonly what: string; readonly run: string };

const S = 'schedules/example.json';
const NODE = 'ip-10-0-1-17.eu-west-1.compute.internal';
const SIM = '--kubeconfig /tmp/scalerd-sim.kubeconfig --aws-endpoint http://127.0.0.1:4566 --aws-region eu-west-1';

export const EXAMPLES: Readonly<Record<string, readonly Example[]>> = {
  '': [
    { what: 'check a schedule', run: `scalerd validate ${S}` },
    { what: 'grow the workers for three hours; the daemon applies it', run: `scalerd override set --schedule ${S} --group workers=12 --for 3h --reason "load test"` },
    { what: 'shell completion for bash', run: 'scalerd completion bash > /etc/bash_completion.d/scalerd' },
  ],
  validate: [
    { what: 'check a schedule', run: `scalerd validate ${S}` },
    { what: 'in CI: warnings fail too, JSON for a bot', run: `scalerd validate ${S} --strict -o json` },
  ],
  plan: [
    { what: 'the next 7 days', run: `scalerd plan ${S}` },
    { what: 'two days from a local time in the schedule\'s zone', run: `scalerd plan ${S} --from 2026-11-26T00:00 --days 2` },
    { what: 'the desired state at one instant, and why', run: `scalerd plan ${S} --at 2026-11-27T06:00` },
  ],
  sim: [
    { what: 'the demo cluster, an hour a minute, kubeconfig where you want it', run: 'scalerd sim --scenario scenarios/demo.json --speed 60 --kubeconfig-out /tmp/scalerd-sim.kubeconfig' },
    { what: 'a generated cluster of 50 nodes on port 6443', run: 'scalerd sim --nodes 50 --pods-per-node 20 --port 6443' },
  ],
  scale: [
    { what: 'see what removing nodes would do, change nothing', run: `scalerd scale --schedule ${S} --group workers --capacity 4 --dry-run` },
    { what: 'remove nodes, asked "Proceed? [y/N]" first', run: `scalerd scale --schedule ${S} --group workers --capacity 4` },
    { what: 'in CI: add nodes without asking, wait up to 20 minutes for them to be Ready', run: `scalerd scale --schedule ${S} --group workers --capacity 12 --yes --timeout 20m -o json` },
    { what: 'against `scalerd sim`', run: `scalerd scale --schedule ${S} --group workers --capacity 4 --yes ${SIM}` },
  ],
  drain: [
    { what: 'see what removing one node would do', run: `scalerd drain ${NODE} --schedule ${S} --dry-run` },
    { what: 'remove it without asking; past 5 minutes delete the pods left', run: `scalerd drain ${NODE} --schedule ${S} --yes --timeout 5m --force` },
  ],
  override: [
    { what: 'grow the workers until the schedule next changes', run: `scalerd override set --schedule ${S} --group workers=12 --until-next-window --reason "incident 4711"` },
    { what: 'what is in force', run: 'scalerd override list' },
  ],
  'override set': [
    { what: 'more nodes and replicas for three hours', run: `scalerd override set --schedule ${S} --group workers=12 --replicas shop/web=8 --for 3h --reason "load test"` },
    { what: 'until a local time in the schedule\'s zone', run: `scalerd override set --schedule ${S} --group workers=20 --until 2026-11-28T20:00 --reason "Black Friday"` },
  ],
  'override list': [
    { what: 'the overrides, their ends in the schedule\'s zone too', run: `scalerd override list --schedule ${S}` },
  ],
  'override clear': [
    { what: 'remove one by its id', run: 'scalerd override clear 20261127-0600-ab12' },
    { what: 'remove every override', run: 'scalerd override clear --all' },
  ],
  run: [
    { what: 'the daemon on a real cluster, HTTP on :8080', run: `scalerd run --schedule ${S} --listen :8080` },
    { what: 'against the demo cluster, planning only', run: `scalerd run --schedule ${S} --sim scenarios/demo.json --speed 60 --dry-run --listen 127.0.0.1:8080` },
  ],
  status: [
    { what: 'wanted against observed, and what is in progress', run: `scalerd status --schedule ${S}` },
    { what: 'the same as JSON', run: `scalerd status --schedule ${S} -o json` },
  ],
  history: [
    { what: 'the last five scale operations', run: 'scalerd history -n 5' },
  ],
  'lb-sync': [
    { what: 'keep haproxy in step with etcd', run: 'scalerd lb-sync --etcd http://etcd-0:2379 --haproxy-config /etc/haproxy/haproxy.cfg --haproxy-socket /run/haproxy/admin.sock --haproxy-master-socket /run/haproxy/master.sock --bind 0.0.0.0:80' },
  ],
  deployer: [
    { what: 'the deployer\'s REST API on its default address', run: 'scalerd deployer --etcd http://127.0.0.1:2379 --lb-url http://127.0.0.1:8000 --token-file /etc/scalerd/token' },
  ],
  deploy: [
    { what: 'roll out a version and follow it to the end', run: 'scalerd deploy -f examples/descriptors/minimal.json --follow --api http://127.0.0.1:8081' },
  ],
  deployments: [
    { what: 'one app\'s deployments', run: 'scalerd deployments shop/web --api http://127.0.0.1:8081' },
  ],
  completion: [
    { what: 'bash, for this shell', run: 'scalerd completion bash' },
    { what: 'zsh, installed on the fpath', run: 'scalerd completion zsh' },
    { what: 'fish', run: 'scalerd completion fish' },
  ],
};

/** The help text of one command's examples; '' when it has none. */
export function examplesHelp(path: readonly string[]): string {
  const examples = EXAMPLES[path.join(' ')] ?? [];
  if (examples.length === 0) return '';
  return ['', 'Examples:', ...examples.flatMap((e) => [`  # ${e.what}`, `  ${e.run}`])].join('\n');
}

/** Adds the Examples to every registered command's help (after what the command adds itself). */
export function addExamples(program: Command): void {
  for (const { path, command } of walkCommands(program)) {
    const text = examplesHelp(path);
    if (text !== '') command.addHelpText('after', text);
  }
}
