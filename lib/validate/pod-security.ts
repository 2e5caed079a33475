import { isRecord } from './problem';
import type { SchemaFinding } from './schema-check';

/**
 * Pod Security Standards "restricted" (kubernetes.io/docs/concepts/security/pod-security-standards),
 * checked on the pod specs of modelship's model pods. Controls as the pod-security-admission
 * library implements them (kubernetes/kubernetes staging/src/k8s.io/pod-security-admission/policy,
 * check_*.go, v1.33): host namespaces, privileged, capabilities, hostPath and other volume types,
 * host ports, AppArmor, SELinux, /proc mount, seccomp, sysctls, privilege escalation, non-root.
 *
 * The volume allow-list includes `image` (check_restrictedVolumes.go: `volume.Image != nil` was
 * added for v1.33 by kubernetes PR #130394; a cluster before 1.33 refuses image volumes anyway).
 * Read from the upstream change's description, not re-verified against the tagged source here.
 */

/** Volume sources "restricted" allows. */
const RESTRICTED_VOLUMES = new Set(['configMap', 'csi', 'downwardAPI', 'emptyDir', 'ephemeral', 'image', 'persistentVolumeClaim', 'projected', 'secret']);
/** Sysctls "baseline" allows (check_sysctls.go, v1.33). */
const SAFE_SYSCTLS = new Set(['kernel.shm_rmid_forced', 'net.ipv4.ip_local_port_range', 'net.ipv4.ip_unprivileged_port_start', 'net.ipv4.tcp_syncookies',
  'net.ipv4.ping_group_range', 'net.ipv4.ip_local_reserved_ports', 'net.ipv4.tcp_keepalive_time', 'net.ipv4.tcp_fin_timeout', 'net.ipv4.tcp_keepalive_intvl', 'net.ipv4.tcp_keepalive_probes']);
const SELINUX_TYPES = new Set(['', 'container_t', 'container_init_t', 'container_kvm_t', 'container_engine_t']);

/** The label modelship puts on every object and pod of a ModelService (lib/model-service/model-service.ts objectLabels). */
export const MODEL_POD_LABEL = { key: 'app.kubernetes.io/component', value: 'model-server' } as const;
/** The label on a model pod that runs as root on purpose (lib/model-service/pod-template.ts POD_SECURITY_EXCEPTION_LABEL). */
export const ROOT_EXCEPTION_LABEL = { key: 'modelship.dev/pod-security', value: 'root-exception' } as const;

/** A pod spec found in an object, with its pod labels and where it is. */
export interface FoundPodSpec {
  readonly path: string;
  readonly labels: Record<string, string>;
  readonly spec: Record<string, any>;
}

/** Every pod spec in an object, found by shape (any object with a `containers` array), with the labels of its template. */
export function podSpecsOf(obj: any): FoundPodSpec[] {
  const out: FoundPodSpec[] = [];
  const visit = (value: unknown, path: string, labels: Record<string, string>): void => {
    if (Array.isArray(value)) {
      value.forEach((v, i) => visit(v, `${path}[${i}]`, labels));
      return;
    }
    if (!isRecord(value)) return;
    if (Array.isArray(value.containers)) {
      out.push({ path, labels, spec: value });
      return;
    }
    const own = isRecord(value.metadata) && isRecord(value.metadata.labels) ? value.metadata.labels : labels;
    for (const [k, v] of Object.entries(value)) if (k !== 'metadata') visit(v, path === '' ? k : `${path}.${k}`, own);
  };
  visit(obj, '', {});
  return out;
}

/** Whether a pod is a modelship model pod. */
export function isModelPod(pod: FoundPodSpec): boolean {
  return pod.labels[MODEL_POD_LABEL.key] === MODEL_POD_LABEL.value;
}

/** Every "restricted" control one pod spec breaks (`path` relative to the object). */
export function restrictedFindings(pod: FoundPodSpec): SchemaFinding[] {
  const out: SchemaFinding[] = [];
  const at = (p: string) => (pod.path === '' ? p : `${pod.path}.${p}`);
  const spec = pod.spec;
  const podSc = isRecord(spec.securityContext) ? spec.securityContext : {};
  const rootException = pod.labels[ROOT_EXCEPTION_LABEL.key] === ROOT_EXCEPTION_LABEL.value;
  for (const f of ['hostNetwork', 'hostPID', 'hostIPC']) if (spec[f] === true) out.push({ path: at(f), message: 'host namespaces are not allowed (Pod Security restricted)' });
  (Array.isArray(spec.volumes) ? spec.volumes : []).forEach((v: any, i: number) => {
    for (const t of Object.keys(isRecord(v) ? v : {})) {
      if (t !== 'name' && !RESTRICTED_VOLUMES.has(t)) out.push({ path: at(`volumes[${i}].${t}`), message: `volume type ${t} is not allowed (Pod Security restricted allows ${[...RESTRICTED_VOLUMES].join(', ')})` });
    }
  });
  (Array.isArray(podSc.sysctls) ? podSc.sysctls : []).forEach((s: any, i: number) => {
    if (!SAFE_SYSCTLS.has(s?.name)) out.push({ path: at(`securityContext.sysctls[${i}]`), message: `sysctl ${s?.name} is not allowed (Pod Security baseline)` });
  });
  if (podSc.runAsUser === 0 && !rootException) out.push({ path: at('securityContext.runAsUser'), message: 'runs as UID 0 (Pod Security restricted)' });
  if (podSc.seccompProfile?.type === 'Unconfined') out.push({ path: at('securityContext.seccompProfile.type'), message: 'seccomp Unconfined is not allowed' });
  if (podSc.seLinuxOptions?.type !== undefined && !SELINUX_TYPES.has(podSc.seLinuxOptions.type)) out.push({ path: at('securityContext.seLinuxOptions.type'), message: `SELinux type ${podSc.seLinuxOptions.type} is not allowed` });
  if (podSc.windowsOptions?.hostProcess === true) out.push({ path: at('securityContext.windowsOptions.hostProcess'), message: 'Windows HostProcess pods are not allowed' });
  for (const field of ['initContainers', 'containers', 'ephemeralContainers']) {
    (Array.isArray(spec[field]) ? spec[field] : []).forEach((c: any, i: number) => {
      if (!isRecord(c)) return;
      const p = (s: string) => at(`${field}[${i}].${s}`);
      const sc = isRecord(c.securityContext) ? c.securityContext : {};
      const name = `container ${c.name}`;
      if (sc.privileged === true) out.push({ path: p('securityContext.privileged'), message: `${name} is privileged` });
      if (sc.allowPrivilegeEscalation !== false) out.push({ path: p('securityContext.allowPrivilegeEscalation'), message: `${name} must set allowPrivilegeEscalation: false` });
      if (!rootException) {
        if ((sc.runAsNonRoot ?? podSc.runAsNonRoot) !== true) out.push({ path: p('securityContext.runAsNonRoot'), message: `${name} must run as non-root (runAsNonRoot: true on the container or the pod)` });
        if (sc.runAsUser === 0) out.push({ path: p('securityContext.runAsUser'), message: `${name} runs as UID 0` });
      }
      const seccomp = sc.seccompProfile?.type ?? podSc.seccompProfile?.type;
      if (seccomp !== 'RuntimeDefault' && seccomp !== 'Localhost') out.push({ path: p('securityContext.seccompProfile.type'), message: `${name} needs seccompProfile RuntimeDefault or Localhost (on the container or the pod)` });
      const drop: unknown[] = Array.isArray(sc.capabilities?.drop) ? sc.capabilities.drop : [];
      if (!drop.includes('ALL')) out.push({ path: p('securityContext.capabilities.drop'), message: `${name} must drop ALL capabilities` });
      const add: unknown[] = Array.isArray(sc.capabilities?.add) ? sc.capabilities.add : [];
      for (const cap of add) if (cap !== 'NET_BIND_SERVICE') out.push({ path: p('securityContext.capabilities.add'), message: `${name} adds capability ${String(cap)} (restricted allows only NET_BIND_SERVICE)` });
      (Array.isArray(c.ports) ? c.ports : []).forEach((port: any, j: number) => {
        if (port?.hostPort) out.push({ path: p(`ports[${j}].hostPort`), message: `${name} uses host port ${port.hostPort}` });
      });
      if (sc.procMount !== undefined && sc.procMount !== 'Default') out.push({ path: p('securityContext.procMount'), message: `${name} sets procMount ${sc.procMount}` });
      if (sc.seLinuxOptions?.type !== undefined && !SELINUX_TYPES.has(sc.seLinuxOptions.type)) out.push({ path: p('securityContext.seLinuxOptions.type'), message: `${name} SELinux type ${sc.seLinuxOptions.type} is not allowed` });
      if (sc.windowsOptions?.hostProcess === true) out.push({ path: p('securityContext.windowsOptions.hostProcess'), message: `${name} is a Windows HostProcess container` });
      if (sc.appArmorProfile?.type === 'Unconfined') out.push({ path: p('securityContext.appArmorProfile.type'), message: `${name} AppArmor Unconfined is not allowed` });
    });
  }
  return out;
}

/** The "restricted" findings of every model pod of an object. */
export function podSecurityFindings(obj: any): SchemaFinding[] {
  return podSpecsOf(obj).filter(isModelPod).flatMap(restrictedFindings);
}
