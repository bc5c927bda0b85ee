// `scalerd drain <node>`: remove one node, through the planner and the actuator like every
// other removal (one way to do a thing). The node's group is asked for one node fewer, and
// an extra node predicate keeps every other node out of the choice, so the planner's own
// rules still apply to this one: scale-down-disabled, protection, blocking pods, budgets,
// the fit of its pods on the nodes that stay, the group's and the schedule's minimum.

import type { Command } from 'commander';
import { matchNodes, type NodePredicate } from '../plan/index.js';
import { dict } from '../records.js';
import { addConnectionOptions, addRemovalOptions, connect, executionFor, loadScheduleOption, podPolicyOf, type ConnectionOptions, type RemovalOptions } from './engine-options.js';
import { terminalSafe } from '../text/terminal.js';
import { EXIT, type CliIo, type ExitCode } from './io.js';
import { hintFor } from './hints.js';
import { consentFor, planAndAct } from './one-shot.js';
import { printRun, runExitCode } from './run-report.js';

type Options = ConnectionOptions & RemovalOptions;

export function registerDrain(program: Command, io: CliIo, setExit: (code: ExitCode) => void): void {
  const command = program
    .command('drain')
    .description('drain one node and remove it with its instance, its group one smaller')
    .argument('<node>', 'the Node\'s name');
  addConnectionOptions(addRemovalOptions(command))
    .addHelpText('after', [
      '',
      'The node must belong to a node group of the schedule; its group\'s desired capacity drops by one.',
      'Other groups keep their current desired capacity; workloads are left as they are.',
      'The plan is printed first; on a terminal drain asks "Proceed? [y/N]" unless --yes. Where no',
      'terminal can confirm (CI, a pipe, -o json) it acts only with --yes; --dry-run needs nothing.',
      'Exit 0: removed; 1: not removed (the plan says why), failed, or the answer was no;',
      '2: usage (also: acting without --yes where nobody can confirm).',
    ].join('\n'))
    .action(async (name: string, options: Options) => {
      const schedule = await loadScheduleOption(options, 'drain', io);
      if (!schedule) {
        setExit(EXIT.failed);
        return;
      }
      const consent = consentFor('drain', io, options);
      const connection = connect(options, io);
      try {
        const asgs = [...new Set(schedule.nodeGroups.map((g) => g.asg))];
        const [groups, nodes] = await Promise.all([connection.cloud.describeGroups(asgs), connection.cluster.listNodes()]);
        const node = nodes.find((n) => n.name === name);
        if (!node) {
          io.err(terminalSafe(`drain: no node named ${name} among the cluster's ${nodes.length} nodes`));
          io.err('hint: `kubectl get nodes` lists their names');
          setExit(EXIT.failed);
          return;
        }
        const asg = matchNodes(groups, nodes).groupOfNode.get(name);
        const group = schedule.nodeGroups.find((g) => g.asg === asg);
        const observed = groups.find((g) => g.name === asg);
        if (!group || !observed) {
          io.err(terminalSafe(`drain: node ${name} (providerID ${node.providerId ?? 'none'}) is in none of the schedule's node groups (${schedule.nodeGroups.map((g) => `${g.name}: ${g.asg}`).join(', ')})`));
          setExit(EXIT.failed);
          return;
        }
        const capacity = dict<number | undefined>(
          schedule.nodeGroups.map((g) => [g.name, groups.find((o) => o.name === g.asg)?.desiredCapacity]),
        );
        capacity[group.name] = observed.desiredCapacity - 1;
        // Nodes scalerd marked earlier keep their usual judgement (resumed or rolled back):
        // refusing them here would roll back a removal the daemon has under way.
        const onlyThisNode: NodePredicate = ({ node: candidate, mark }) =>
          candidate.name === name || mark.kind === 'ours'
            ? undefined
            : { verdict: 'skip', code: 'not-requested', reason: `scalerd drain removes ${name} only` };
        const { plan, report } = await planAndAct(io, {
          cloud: connection.cloud,
          cluster: connection.cluster,
          schedule: { nodeGroups: schedule.nodeGroups, workloads: [] },
          desired: { capacity, replicas: {} },
          planOptions: { owner: options.owner, maxNodeRemovals: 1, extraNodePredicates: [onlyThisNode], pods: podPolicyOf(options) },
          execution: executionFor(io, connection, options),
        }, options.output, consent);
        if (!report) {
          setExit(EXIT.failed);
          return;
        }
        const chosen = plan.steps.some((s) => (s.kind === 'drain-node' || s.kind === 'resume-node') && s.node === name);
        let code = runExitCode(plan, report, (b) => b.group === undefined || b.group === group.name);
        if (!chosen) code = EXIT.failed;
        const skipped = chosen ? undefined : plan.notChosen.find((n) => n.node === name);
        const hint = skipped && hintFor(skipped, group.asg);
        printRun(io, options.output, plan, report, code, options.output === 'json' ? { hints: hint ? [{ node: name, hint }] : [] } : {});
        if (!chosen && options.output === 'text') {
          const why = skipped?.reason ?? plan.blocked.map((b) => b.message).join('; ');
          io.err(terminalSafe(`drain: ${name} is not removed${why ? `: ${why}` : ''}`));
          if (hint) io.err(terminalSafe(`hint: ${hint}`));
        }
        setExit(code);
      } finally {
        connection.close();
      }
    });
}
