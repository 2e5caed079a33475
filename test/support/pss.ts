/**
 * Pod Security Standards "restricted" profile (Kubernetes 1.28), checked on a pod spec.
 * Source: kubernetes.io/docs/concepts/security/pod-security-standards (baseline + restricted controls).
 */
const ALLOWED_VOLUME_TYPES = ['configMap', 'csi', 'downwardAPI', 'emptyDir', 'ephemeral', 'persistentVolumeClaim', 'projected', 'secret'];
/**
 * From Kubernetes 1.33 the admission controller also allows `image` volumes under "restricted":
 * kubernetes/kubernetes#130394 added `volume.Image != nil` to restrictedVolumes_1_0
 * (staging/src/k8s.io/pod-security-admission/policy/check_restrictedVolumes.go, merged for v1.33).
 * The kubernetes.io page still omits it (kubernetes/website#55370), so the code is the source.
 */
const ALLOWED_VOLUME_TYPES_FROM_1_33 = [...ALLOWED_VOLUME_TYPES, 'image'];

/** `kubernetesMinor`: the 1.x release whose admission rules apply (28 unless a test asks for a newer one). */
export function restrictedViolations(podSpec: any, kubernetesMinor = 28): string[] {
  const problems: string[] = [];
  const allowedVolumes = kubernetesMinor >= 33 ? ALLOWED_VOLUME_TYPES_FROM_1_33 : ALLOWED_VOLUME_TYPES;
  const podSc = podSpec.securityContext ?? {};
  if (podSpec.hostNetwork || podSpec.hostPID || podSpec.hostIPC) problems.push('host namespaces are shared');
  for (const v of podSpec.volumes ?? []) {
    const types = Object.keys(v).filter(k => k !== 'name');
    for (const t of types) if (!allowedVolumes.includes(t)) problems.push(`volume ${v.name} has type ${t}`);
  }
  if (podSc.sysctls && podSc.sysctls.length > 0) problems.push('pod sets sysctls');
  if (podSc.runAsUser === 0) problems.push('pod runs as UID 0');
  const containers = [...(podSpec.initContainers ?? []), ...(podSpec.containers ?? []), ...(podSpec.ephemeralContainers ?? [])];
  for (const c of containers) {
    const sc = c.securityContext ?? {};
    const where = `container ${c.name}`;
    if (sc.privileged) problems.push(`${where} is privileged`);
    if (sc.allowPrivilegeEscalation !== false) problems.push(`${where} does not set allowPrivilegeEscalation: false`);
    const runAsNonRoot = sc.runAsNonRoot ?? podSc.runAsNonRoot;
    if (runAsNonRoot !== true) problems.push(`${where} does not run as non-root`);
    if ((sc.runAsUser ?? podSc.runAsUser) === 0) problems.push(`${where} runs as UID 0`);
    const seccomp = sc.seccompProfile?.type ?? podSc.seccompProfile?.type;
    if (seccomp !== 'RuntimeDefault' && seccomp !== 'Localhost') problems.push(`${where} has no RuntimeDefault/Localhost seccomp profile`);
    const drop: string[] = sc.capabilities?.drop ?? [];
    if (!drop.includes('ALL')) problems.push(`${where} does not drop ALL capabilities`);
    const add: string[] = sc.capabilities?.add ?? [];
    for (const cap of add) if (cap !== 'NET_BIND_SERVICE') problems.push(`${where} adds capability ${cap}`);
    for (const p of c.ports ?? []) if (p.hostPort) problems.push(`${where} uses hostPort ${p.hostPort}`);
    if (sc.procMount && sc.procMount !== 'Default') problems.push(`${where} sets procMount ${sc.procMount}`);
  }
  return problems;
}

/** Pod specs inside workload objects (Deployment, Rollout, DaemonSet, StatefulSet, Job, Pod). */
export function podSpecsOf(obj: any): { labels: Record<string, string>; spec: any }[] {
  if (obj.kind === 'Pod') return [{ labels: obj.metadata?.labels ?? {}, spec: obj.spec }];
  // A LeaderWorkerSet (leaderworkerset.x-k8s.io/v1) carries two pod templates: leader and workers.
  const lwt = obj.kind === 'LeaderWorkerSet' ? obj.spec?.leaderWorkerTemplate : undefined;
  if (lwt) {
    return [lwt.leaderTemplate, lwt.workerTemplate].filter(t => t?.spec?.containers)
      .map(t => ({ labels: t.metadata?.labels ?? {}, spec: t.spec }));
  }
  const template = obj.spec?.template ?? obj.spec?.jobTemplate?.spec?.template;
  if (template?.spec?.containers) return [{ labels: template.metadata?.labels ?? {}, spec: template.spec }];
  return [];
}

/** Model server pods: every pod modelship labels as a model server. */
export function modelPodSpecs(objs: any[]): any[] {
  return modelPods(objs).map(p => p.spec);
}

function modelPods(objs: any[]): { labels: Record<string, string>; spec: any }[] {
  return objs.flatMap(podSpecsOf).filter(p => p.labels['app.kubernetes.io/component'] === 'model-server');
}

/** The only controls a documented root exception (label `modelship.dev/pod-security: root-exception`) may break. */
const ROOT_EXCEPTION_CONTROLS = /does not run as non-root|runs as UID 0/;

/**
 * Throws when any model pod breaks the restricted profile. A pod labelled as an accepted root
 * exception (an image that cannot run otherwise) may break only the non-root controls, and must
 * say why in an annotation (checked where the exception is tested): every other control still holds.
 */
export function expectRestricted(objs: any[]): void {
  const problems = modelPods(objs).flatMap((pod, i) => restrictedViolations(pod.spec)
    .filter(p => !(pod.labels['modelship.dev/pod-security'] === 'root-exception' && ROOT_EXCEPTION_CONTROLS.test(p)))
    .map(p => `model pod #${i}: ${p}`));
  if (problems.length > 0) throw new Error(`Pod Security Standards "restricted" violations:\n  ${problems.join('\n  ')}`);
}
