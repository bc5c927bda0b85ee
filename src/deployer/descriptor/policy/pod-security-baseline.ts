// Pod Security Standards, level "baseline": the controls that prevent known privilege
// escalations, as https://kubernetes.io/docs/concepts/security/pod-security-standards/
// lists them (the same fields and allowed values as the pod-security admission
// controller). Pure: a pod spec in, the rules it breaks out. Pod annotations (the legacy
// AppArmor form) are not part of a descriptor, so only the fields are checked.

import type { PodSpec } from '../types.js';
import { containersOf, fields, isSet, list, podSecurityContext, type Fields } from './pod-walk.js';
import type { PolicyViolation } from './types.js';

/** Capabilities a container may add under baseline (the container runtimes' defaults). */
export const BASELINE_CAPABILITIES = [
  'AUDIT_WRITE', 'CHOWN', 'DAC_OVERRIDE', 'FOWNER', 'FSETID', 'KILL', 'MKNOD', 'NET_BIND_SERVICE',
  'SETFCAP', 'SETGID', 'SETPCAP', 'SETUID', 'SYS_CHROOT',
] as const;

/** The "safe" sysctls: namespaced, isolated from other pods on the node. */
export const SAFE_SYSCTLS = [
  'kernel.shm_rmid_forced', 'net.ipv4.ip_local_port_range', 'net.ipv4.ip_unprivileged_port_start', 'net.ipv4.tcp_syncookies',
  'net.ipv4.ping_group_range', 'net.ipv4.ip_local_reserved_ports', 'net.ipv4.tcp_keepalive_time', 'net.ipv4.tcp_fin_timeout',
  'net.ipv4.tcp_keepalive_intvl', 'net.ipv4.tcp_keepalive_probes',
] as const;

const SELINUX_TYPES = ['', 'container_t', 'container_init_t', 'container_kvm_t', 'container_engine_t'];
const PROFILE_TYPES = ['RuntimeDefault', 'Localhost'];

type Check = (podSpec: PodSpec) => PolicyViolation[];

const hostProcess: Check = (podSpec) => {
  const at = [{ pointer: '/podSpec/securityContext', context: podSecurityContext(podSpec) }, ...containersOf(podSpec).map((c) => ({ pointer: `${c.pointer}/securityContext`, context: c.securityContext }))];
  return at.filter(({ context }) => isSet(fields(context.windowsOptions).hostProcess)).map(({ pointer }) => ({
    rule: 'baseline/host-process' as const, pointer: `${pointer}/windowsOptions/hostProcess`,
    message: 'a Windows HostProcess container has privileged access to the node',
    hint: 'remove windowsOptions.hostProcess (or set it to false)',
  }));
};

const hostNamespaces: Check = (podSpec) => (['hostNetwork', 'hostPID', 'hostIPC'] as const).filter((key) => isSet(podSpec[key])).map((key) => ({
  rule: 'baseline/host-namespaces' as const, pointer: `/podSpec/${key}`,
  message: `${key} shares the node's ${key === 'hostNetwork' ? 'network' : key === 'hostPID' ? 'process' : 'IPC'} namespace with the pod`,
  hint: `remove "${key}" (or set it to false)`,
}));

const privileged: Check = (podSpec) => containersOf(podSpec).filter((c) => isSet(c.securityContext.privileged)).map((c) => ({
  rule: 'baseline/privileged' as const, pointer: `${c.pointer}/securityContext/privileged`,
  message: `container "${c.name}" is privileged: it has every capability and the node's devices`,
  hint: 'remove securityContext.privileged (or set it to false)',
}));

const capabilities: Check = (podSpec) => containersOf(podSpec).flatMap((c) =>
  list(fields(c.securityContext.capabilities).add).flatMap((cap, j) => (typeof cap === 'string' && (BASELINE_CAPABILITIES as readonly string[]).includes(cap) ? [] : [{
    rule: 'baseline/capabilities' as const, pointer: `${c.pointer}/securityContext/capabilities/add/${j}`,
    message: `container "${c.name}" adds capability ${JSON.stringify(cap)}, beyond the baseline set`,
    hint: `add only ${BASELINE_CAPABILITIES.join(', ')}`,
  }])));

const hostPathVolumes: Check = (podSpec) => list(podSpec.volumes).flatMap((volume, i) => (fields(volume).hostPath === undefined ? [] : [{
  rule: 'baseline/host-path-volumes' as const, pointer: `/podSpec/volumes/${i}/hostPath`,
  message: `volume "${String(fields(volume).name)}" mounts a path of the node`,
  hint: 'use an emptyDir, a configMap, a secret or a persistentVolumeClaim instead of hostPath',
}]));

const hostPorts: Check = (podSpec) => containersOf(podSpec).flatMap((c) => c.ports.flatMap((port, j) => (port.hostPort === undefined || port.hostPort === null || port.hostPort === 0 ? [] : [{
  rule: 'baseline/host-ports' as const, pointer: `${c.pointer}/ports/${j}/hostPort`,
  message: `container "${c.name}" binds port ${String(port.hostPort)} of the node`,
  hint: 'remove hostPort: traffic reaches the pod through the load balancer and the Service',
}])));

/** Where a pod and its containers set a security field: pod level first. */
function securityContexts(podSpec: PodSpec): { pointer: string; context: Fields; what: string }[] {
  return [
    { pointer: '/podSpec/securityContext', context: podSecurityContext(podSpec), what: 'the pod' },
    ...containersOf(podSpec).map((c) => ({ pointer: `${c.pointer}/securityContext`, context: c.securityContext, what: `container "${c.name}"` })),
  ];
}

const appArmor: Check = (podSpec) => securityContexts(podSpec).flatMap(({ pointer, context, what }) => {
  const type = fields(context.appArmorProfile).type;
  return type === undefined || PROFILE_TYPES.includes(type as string) ? [] : [{
    rule: 'baseline/apparmor' as const, pointer: `${pointer}/appArmorProfile/type`,
    message: `${what} asks for AppArmor profile type ${JSON.stringify(type)}`,
    hint: 'use RuntimeDefault or Localhost, or leave appArmorProfile out',
  }];
});

const seLinux: Check = (podSpec) => securityContexts(podSpec).flatMap(({ pointer, context, what }) => {
  const options = fields(context.seLinuxOptions);
  const found: PolicyViolation[] = [];
  if (options.type !== undefined && !SELINUX_TYPES.includes(options.type as string)) {
    found.push({ rule: 'baseline/selinux' as const, pointer: `${pointer}/seLinuxOptions/type`, message: `${what} asks for SELinux type ${JSON.stringify(options.type)}`, hint: `use ${SELINUX_TYPES.slice(1).join(', ')}, or leave it out` });
  }
  for (const key of ['user', 'role'] as const) {
    if (options[key] !== undefined && options[key] !== '') found.push({ rule: 'baseline/selinux' as const, pointer: `${pointer}/seLinuxOptions/${key}`, message: `${what} sets a custom SELinux ${key}`, hint: `remove seLinuxOptions.${key}` });
  }
  return found;
});

const procMount: Check = (podSpec) => containersOf(podSpec).flatMap((c) => {
  const mount = c.securityContext.procMount;
  return mount === undefined || mount === null || mount === 'Default' ? [] : [{
    rule: 'baseline/proc-mount' as const, pointer: `${c.pointer}/securityContext/procMount`,
    message: `container "${c.name}" asks for an unmasked /proc (procMount ${JSON.stringify(mount)})`,
    hint: 'remove procMount, or set it to Default',
  }];
});

const seccomp: Check = (podSpec) => securityContexts(podSpec).flatMap(({ pointer, context, what }) => {
  const type = fields(context.seccompProfile).type;
  return type === undefined || PROFILE_TYPES.includes(type as string) ? [] : [{
    rule: 'baseline/seccomp' as const, pointer: `${pointer}/seccompProfile/type`,
    message: `${what} turns seccomp off (type ${JSON.stringify(type)})`,
    hint: 'use RuntimeDefault or Localhost, or leave seccompProfile out',
  }];
});

const sysctls: Check = (podSpec) => list(podSecurityContext(podSpec).sysctls).flatMap((sysctl, i) => {
  const name = fields(sysctl).name;
  return typeof name === 'string' && (SAFE_SYSCTLS as readonly string[]).includes(name) ? [] : [{
    rule: 'baseline/sysctls' as const, pointer: `/podSpec/securityContext/sysctls/${i}/name`,
    message: `sysctl ${JSON.stringify(name)} is not one of the safe, namespaced ones`,
    hint: `set only ${SAFE_SYSCTLS.join(', ')}`,
  }];
});

/** In the order the Pod Security Standards list them. */
const CHECKS: readonly Check[] = [hostProcess, hostNamespaces, privileged, capabilities, hostPathVolumes, hostPorts, appArmor, seLinux, procMount, seccomp, sysctls];

export function baselineViolations(podSpec: PodSpec): PolicyViolation[] {
  return CHECKS.flatMap((check) => check(podSpec));
}
