// Overview: per node group what is wanted and why, what the Auto Scaling group and the
// cluster have; per workload the same; the nodes a scale-down is working on, phase by phase;
// the next change with a countdown; leader and schedule health. Live: the daemon pushes a
// new overview within a second of a change (/api/v1/events).

import { useEffect, useRef, useState } from 'preact/hooks';
import type { NodeProgressJson, OverviewJson } from '../../../src/console/wire.js';
import { relative } from '../time.js';
import { Notice, Section, Table, Time } from '../widgets.js';
import { Why } from '../why.js';

export function Overview({ overview }: { overview: OverviewJson }) {
  const { status, schedule } = overview;
  const zone = schedule.timezone;
  const now = useClusterNow(overview.clock);
  return (
    <div class="page">
      <Health overview={overview} />
      {status.next && (
        <Section title="Next change" id="next">
          <p class="next">
            <Time iso={status.next.at} zone={zone} /> <span class="countdown">({relative(status.next.at, now)})</span>
            {status.next.started.length > 0 && <> · starts: {status.next.started.join(', ')}</>}
            {status.next.ended.length > 0 && <> · ends: {status.next.ended.join(', ')}</>}
          </p>
          {status.next.changes.length > 0 && (
            <ul class="changes">
              {status.next.changes.map((c) => <li key={`${c.section}/${c.key}`}>{c.key}: {c.from} → {c.to}{c.section === 'replicas' ? ' replicas' : ' nodes'}</li>)}
            </ul>
          )}
        </Section>
      )}
      <Section title="Node groups" id="groups">
        <Table label="Node groups" head={['Group', 'Wanted', 'ASG desired', 'InService', 'Ready', 'Limits', 'Why']}>
          {schedule.groups.map((g) => {
            const wanted = status.desired?.capacity[g.name];
            const seen = status.observed?.groups[g.name];
            const short = wanted !== undefined && seen?.readyNodes !== undefined && seen.readyNodes < wanted.value;
            return (
              <tr key={g.name} data-group={g.name}>
                <th scope="row">{g.name}{g.asg !== g.name && <span class="sub"> ({g.asg})</span>}</th>
                <td class="num" data-field="wanted">{wanted?.value ?? '–'}</td>
                <td class="num" data-field="asg-desired">{seen?.found === false ? 'not found' : seen?.desiredCapacity ?? '–'}</td>
                <td class="num" data-field="in-service">{seen?.inService ?? '–'}</td>
                <td class={`num${short ? ' short' : ''}`} data-field="ready">{seen?.readyNodes ?? '–'}</td>
                <td class="num">{g.min}–{g.max}</td>
                <td><Why source={wanted?.source} zone={zone} /></td>
              </tr>
            );
          })}
        </Table>
      </Section>
      <Section title="Workloads" id="workloads">
        <Table label="Workloads" head={['Workload', 'Wanted', 'Replicas', 'Available', 'HPA', 'Why']}>
          {schedule.workloads.map((w) => {
            const wanted = status.desired?.replicas[w.key];
            const seen = status.observed?.workloads[w.key];
            return (
              <tr key={w.key} data-workload={w.key}>
                <th scope="row">{w.key}</th>
                <td class="num" data-field="wanted">{wanted?.value ?? '–'}</td>
                <td class="num" data-field="replicas">{seen?.replicas ?? '–'}</td>
                <td class="num" data-field="available">{seen?.available ?? '–'}</td>
                <td>{seen?.hpa ?? ''}</td>
                <td><Why source={wanted?.source} zone={zone} /></td>
              </tr>
            );
          })}
        </Table>
      </Section>
      <Nodes nodes={status.plan?.nodes ?? {}} inProgress={status.plan?.inProgress ?? false} zone={zone} />
    </div>
  );
}

function Health({ overview }: { overview: OverviewJson }) {
  const { status } = overview;
  const zone = overview.schedule.timezone;
  return (
    <Section title="Daemon" id="health">
      <dl class="facts">
        <div><dt>Role</dt><dd data-field="role">{status.role}{status.role !== 'leader' && status.leader ? ` (leader: ${status.leader})` : ''}</dd></div>
        <div><dt>Schedule</dt><dd data-field="schedule">{overview.schedule.file}, loaded <Time iso={status.schedule.loadedAt} zone={zone} />{status.schedule.stale ? ' — STALE' : ''}</dd></div>
        <div><dt>Time zone</dt><dd>{zone}</dd></div>
        {status.last && <div><dt>Last reconcile</dt><dd data-field="last">{status.last.outcome}: {status.last.message} (<Time iso={status.last.finishedAt} zone={zone} />)</dd></div>}
      </dl>
      {status.dryRun && <Notice kind="info">Dry run: every plan here is what would be done; nothing is.</Notice>}
      {status.schedule.stale && (
        <Notice kind="error">
          The schedule file changed and is not valid (since <Time iso={status.schedule.stale.since} zone={zone} />); the last good schedule stays in force.
          <pre>{status.schedule.stale.diagnostics.join('\n')}</pre>
        </Notice>
      )}
      {status.lastError && <Notice kind="warn">Last error (<Time iso={status.lastError.at} zone={zone} />): {status.lastError.message}</Notice>}
      {status.desired?.notes.map((n) => <Notice key={n} kind="warn">{n}</Notice>)}
      {overview.overrideProblems.map((p) => <Notice key={p.key} kind="warn">Override entry {p.key} is skipped: {p.message}</Notice>)}
    </Section>
  );
}

function Nodes({ nodes, inProgress, zone }: { nodes: Readonly<Record<string, NodeProgressJson>>; inProgress: boolean; zone: string }) {
  const entries = Object.entries(nodes);
  return (
    <Section title="Nodes in progress" id="nodes">
      {entries.length === 0 ? <p class="quiet">{inProgress ? 'A plan is under way; no node is being removed.' : 'No node is being removed.'}</p> : (
        <Table label="Nodes in progress" head={['Node', 'Phase', 'Pods left', 'Evicted', 'Since', 'What']}>
          {entries.map(([node, p]) => (
            <tr key={node} data-node={node}>
              <th scope="row">{node}</th>
              <td data-field="phase"><span class={`phase ${p.phase}`}>{p.phase}</span></td>
              <td class="num">{p.remaining}</td>
              <td class="num">{p.evicted}</td>
              <td><Time iso={p.at} zone={zone} /></td>
              <td>{p.message}</td>
            </tr>
          ))}
        </Table>
      )}
    </Section>
  );
}

/**
 * The cluster's time now, once a second, for countdowns: from its time when the overview was
 * sent, moved on at its speed (the simulator may run faster than real time).
 */
function useClusterNow(clock: OverviewJson['clock']): number {
  const received = useRef({ at: Date.now(), clock });
  if (received.current.clock !== clock) received.current = { at: Date.now(), clock };
  const [, tick] = useState(0);
  useEffect(() => {
    const timer = setInterval(() => tick((n) => n + 1), 1000);
    return () => clearInterval(timer);
  }, []);
  const { at, clock: sent } = received.current;
  return Date.parse(sent.now) + (Date.now() - at) * sent.speed;
}
