// Checks beyond the JSON Schema: what one field means for another (a health port names a
// declared port, names are unique, the deployer's own variables are left to it). Pure:
// problems at JSON pointers, which the loader locates at line:column.

import type { Problem } from '../../json/document.js';
import { closest } from '../../json/schema-check.js';
import { healthPathProblem } from '../lb/health-path.js';
import { declaredPorts, findPort, trafficPort } from './ports.js';
import { DEFAULTS, type DescriptorDocument, RESERVED_ENV } from './types.js';

type Report = (problem: Omit<Problem, 'severity'> & { severity?: Problem['severity'] }) => void;

export function descriptorProblems(document: DescriptorDocument): Problem[] {
  const problems: Problem[] = [];
  const report: Report = (problem) => problems.push({ severity: 'error', ...problem });
  checkContainerNames(document, report);
  checkPorts(document, report);
  checkHealthCheck(document, report);
  checkEnvironment(document, report);
  checkWebhooks(document, report);
  return problems;
}

function checkContainerNames({ podSpec }: DescriptorDocument, report: Report): void {
  const seen = new Map<string, string>();
  const lists = [['containers', podSpec.containers], ['initContainers', podSpec.initContainers ?? []]] as const;
  for (const [list, containers] of lists) {
    containers.forEach((container, i) => {
      const pointer = `/podSpec/${list}/${i}/name`;
      const first = seen.get(container.name);
      if (first !== undefined) {
        report({ code: 'SCALERD_ERR_DESCRIPTOR_DUPLICATE_NAME', pointer, message: `container name "${container.name}" is already used at ${first}`, hint: 'give every container, init containers included, its own name' });
      } else {
        seen.set(container.name, pointer);
      }
    });
  }
}

function checkPorts({ podSpec }: DescriptorDocument, report: Report): void {
  if (trafficPort(podSpec) === undefined) {
    report({
      code: 'SCALERD_ERR_DESCRIPTOR_PORT', pointer: '/podSpec/containers',
      message: 'no container declares a TCP port, so no traffic could reach the app',
      hint: 'add "ports": [{ "containerPort": 8080, "name": "http" }] to the container that serves the app',
    });
  }
  const names = new Map<string, string>();
  const numbers = new Map<string, string>();
  for (const port of declaredPorts(podSpec)) {
    const number = `${port.containerPort}/${port.protocol}`;
    const sameNumber = numbers.get(number);
    if (sameNumber !== undefined) {
      report({ code: 'SCALERD_ERR_DESCRIPTOR_PORT', pointer: `${port.pointer}/containerPort`, message: `port ${number} is already declared at ${sameNumber}`, hint: 'declare each port once, in the container that listens on it' });
    } else {
      numbers.set(number, port.pointer);
    }
    if (port.name === undefined) continue;
    const sameName = names.get(port.name);
    if (sameName !== undefined) {
      report({ code: 'SCALERD_ERR_DESCRIPTOR_PORT', pointer: `${port.pointer}/name`, message: `port name "${port.name}" is already used at ${sameName}`, hint: 'give every port of the pod its own name' });
    } else {
      names.set(port.name, port.pointer);
    }
  }
}

function checkHealthCheck({ podSpec, healthCheck }: DescriptorDocument, report: Report): void {
  // lb-sync's own rule: a path it would refuse must not get as far as etcd.
  const pathProblem = healthCheck?.path === undefined ? undefined : healthPathProblem(healthCheck.path);
  if (pathProblem !== undefined) {
    report({
      code: 'SCALERD_ERR_DESCRIPTOR_HEALTH_PATH', pointer: '/healthCheck/path',
      message: `the health check path ${pathProblem}`,
      hint: 'percent-encode the character (" is %22, # is %23, a space %20), or drop it: a fragment (#…) never reaches the server anyway',
    });
  }
  const port = healthCheck?.port;
  if (typeof port === 'string' && findPort(podSpec, port) === undefined) {
    const known = declaredPorts(podSpec).flatMap((p) => (p.name === undefined ? [] : [p.name]));
    const guess = closest(port, known);
    report({
      code: 'SCALERD_ERR_DESCRIPTOR_PORT', pointer: '/healthCheck/port',
      message: `no container declares a port named "${port}"`,
      hint: guess !== undefined
        ? `did you mean "${guess}"?`
        : known.length > 0 ? `use a declared port name (${known.map((n) => `"${n}"`).join(', ')}) or a number` : 'name the port in the container\'s "ports", or give its number',
    });
  } else if (typeof port === 'number' && findPort(podSpec, port) === undefined) {
    report({
      code: 'SCALERD_WARN_DESCRIPTOR_PORT_UNDECLARED', severity: 'warning', pointer: '/healthCheck/port',
      message: `no container declares TCP port ${port}; the health check reaches it only if a container listens on it all the same`,
      hint: 'declare the port in the container\'s "ports", or check the number',
    });
  }
  const { intervalMs, successes, deadlineMs } = { ...DEFAULTS.healthCheck, ...healthCheck };
  // The first check is at once, the next ones an interval apart.
  const fastest = (successes - 1) * intervalMs;
  if (deadlineMs <= fastest) {
    report({
      code: 'SCALERD_ERR_DESCRIPTOR_HEALTH_CHECK', pointer: healthCheck?.deadlineMs !== undefined ? '/healthCheck/deadlineMs' : '/healthCheck',
      message: `a deadline of ${deadlineMs} ms cannot be met: ${successes} passes ${intervalMs} ms apart take ${fastest} ms at the least`,
      hint: `make deadlineMs well above ${fastest}, or lower successes or intervalMs`,
    });
  }
}

function checkEnvironment({ podSpec, environment }: DescriptorDocument, report: Report): void {
  const reserved = new Set<string>(RESERVED_ENV);
  const hint = `the deployer sets ${RESERVED_ENV.join(', ')} in every container; use another name`;
  for (const name of Object.keys(environment ?? {})) {
    if (reserved.has(name)) report({ code: 'SCALERD_ERR_DESCRIPTOR_ENV', pointer: `/environment/${name}`, atKey: true, message: `"${name}" is set by the deployer`, hint });
  }
  const lists = [['containers', podSpec.containers], ['initContainers', podSpec.initContainers ?? []]] as const;
  for (const [list, containers] of lists) {
    containers.forEach((container, i) => (container.env ?? []).forEach((variable, j) => {
      if (reserved.has(variable.name)) {
        report({ code: 'SCALERD_ERR_DESCRIPTOR_ENV', pointer: `/podSpec/${list}/${i}/env/${j}/name`, message: `"${variable.name}" is set by the deployer`, hint });
      }
    }));
  }
}

function checkWebhooks({ webhooks }: DescriptorDocument, report: Report): void {
  (webhooks ?? []).forEach((webhook, i) => {
    if (!URL.canParse(webhook.url)) {
      report({ code: 'SCALERD_ERR_DESCRIPTOR_WEBHOOK', pointer: `/webhooks/${i}/url`, message: `"${webhook.url}" is not a URL`, hint: 'write a full URL such as https://hooks.example.com/deploys' });
    }
  });
}
