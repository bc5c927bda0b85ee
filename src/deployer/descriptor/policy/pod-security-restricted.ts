// Pod Security Standards, level "restricted": baseline and then the current pod hardening
// practices (https://kubernetes.io/docs/concepts/security/pod-security-standards/). Pure.
// As upstream, a pod with spec.os.name "windows" is exempt from the Linux-only controls
// (privilege escalation, seccomp, capabilities).

import type { PodSpec } from '../types.js';
import { BASELINE_CAPABILITIES, baselineViolations } from './pod-security-baseline.js';
import { containersOf, fields, list, podSecurityContext } from './pod-walk.js';
import type { PolicyViolation } from './types.js';

/** The volume sources restricted allows: none that reach the node or a remote store by itself. */
export const RESTRICTED_VOLUME_SOURCES = ['configMap', 'csi', 'downwardAPI', 'emptyDir', 'ephemeral', 'persistentVolumeClaim', 'projected', 'secret'] as const;

const PROFILE_TYPES = ['RuntimeDefault', 'Localhost'];

type Check = (podSpec: PodSpec) => PolicyViolation[];

const isWindows = (podSpec: PodSpec): boolean => fields(podSpec.os).name === 'windows';

const volumeTypes: Check = (podSpec) => list(podSpec.volumes).flatMap((raw, i) => {
  const volume = fields(raw);
  // hostPath is baseline's to report.
  const sources = Object.keys(volume).filter((key) => key !== 'name' && key !== 'hostPath');
  return sources.filter((key) => !(RESTRICTED_VOLUME_SOURCES as readonly string[]).includes(key)).map((key): PolicyViolation => ({
    rule: 'restricted/volume-types', pointer: `/podSpec/volumes/${i}/${key}`,
    message: `volume "${String(volume.name)}" is of type ${key}, which restricted does not allow`,
    hint: `use ${RESTRICTED_VOLUME_SOURCES.join(', ')} (a persistentVolumeClaim for anything else)`,
  }));
});

const privilegeEscalation: Check = (podSpec) => (isWindows(podSpec) ? [] : containersOf(podSpec).filter((c) => c.securityContext.allowPrivilegeEscalation !== false).map((c): PolicyViolation => ({
  rule: 'restricted/privilege-escalation', pointer: `${c.pointer}/securityContext${c.securityContext.allowPrivilegeEscalation === undefined ? '' : '/allowPrivilegeEscalation'}`,
  message: `container "${c.name}" may gain privileges (allowPrivilegeEscalation is not false)`,
  hint: 'set securityContext.allowPrivilegeEscalation: false',
})));

const runAsNonRoot: Check = (podSpec) => {
  const podLevel = podSecurityContext(podSpec).runAsNonRoot === true;
  return containersOf(podSpec).flatMap((c): PolicyViolation[] => {
    const own = c.securityContext.runAsNonRoot;
    if (own === true || (own === undefined && podLevel)) return [];
    return [{
      rule: 'restricted/run-as-non-root', pointer: own === undefined ? `${c.pointer}/securityContext` : `${c.pointer}/securityContext/runAsNonRoot`,
      message: `container "${c.name}" may run as root: runAsNonRoot is ${own === undefined ? 'set neither on the pod nor on it' : 'false'}`,
      hint: 'set securityContext.runAsNonRoot: true on the pod (or on every container)',
    }];
  });
};

const runAsUser: Check = (podSpec) => [
  { pointer: '/podSpec/securityContext', context: podSecurityContext(podSpec), what: 'the pod' },
  ...containersOf(podSpec).map((c) => ({ pointer: `${c.pointer}/securityContext`, context: c.securityContext, what: `container "${c.name}"` })),
].filter(({ context }) => context.runAsUser === 0).map(({ pointer, what }): PolicyViolation => ({
  rule: 'restricted/run-as-user', pointer: `${pointer}/runAsUser`, message: `${what} runs as user 0 (root)`, hint: 'set runAsUser to a non-zero user id, or leave it to the image',
}));

const seccomp: Check = (podSpec) => {
  if (isWindows(podSpec)) return [];
  const podType = fields(podSecurityContext(podSpec).seccompProfile).type;
  const podOk = PROFILE_TYPES.includes(podType as string);
  return containersOf(podSpec).flatMap((c): PolicyViolation[] => {
    const type = fields(c.securityContext.seccompProfile).type;
    if (PROFILE_TYPES.includes(type as string) || (type === undefined && podOk)) return [];
    // An explicit Unconfined is baseline's to report.
    if (type === 'Unconfined') return [];
    return [{
      rule: 'restricted/seccomp', pointer: type === undefined ? `${c.pointer}/securityContext` : `${c.pointer}/securityContext/seccompProfile/type`,
      message: `container "${c.name}" has no seccomp profile: seccompProfile.type must be RuntimeDefault or Localhost, on the pod or on the container`,
      hint: 'set securityContext.seccompProfile: {"type": "RuntimeDefault"} on the pod',
    }];
  });
};

const capabilities: Check = (podSpec) => (isWindows(podSpec) ? [] : containersOf(podSpec).flatMap((c): PolicyViolation[] => {
  const caps = fields(c.securityContext.capabilities);
  const found: PolicyViolation[] = [];
  if (!list(caps.drop).includes('ALL')) {
    found.push({
      rule: 'restricted/capabilities', pointer: `${c.pointer}/securityContext${caps.drop === undefined ? '' : '/capabilities/drop'}`,
      message: `container "${c.name}" does not drop ALL capabilities`, hint: 'set securityContext.capabilities.drop: ["ALL"]',
    });
  }
  list(caps.add).forEach((cap, j) => {
    // Others are baseline's to report; restricted allows only this one.
    if (cap !== 'NET_BIND_SERVICE' && (BASELINE_CAPABILITIES as readonly unknown[]).includes(cap)) {
      found.push({ rule: 'restricted/capabilities', pointer: `${c.pointer}/securityContext/capabilities/add/${j}`, message: `container "${c.name}" adds capability ${cap}`, hint: 'add only NET_BIND_SERVICE' });
    }
  });
  return found;
}));

const CHECKS: readonly Check[] = [volumeTypes, privilegeEscalation, runAsNonRoot, runAsUser, seccomp, capabilities];

export function restrictedViolations(podSpec: PodSpec): PolicyViolation[] {
  return [...baselineViolations(podSpec), ...CHECKS.flatMap((check) => check(podSpec))];
}
