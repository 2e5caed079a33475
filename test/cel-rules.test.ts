/**
 * The vendored CRDs' CEL rules (x-kubernetes-validations), evaluated with a real CEL evaluator
 * (@bufbuild/cel, see test/support/cel-rules.ts) on everything the examples emit, and on targeted
 * objects that break real rules, to prove each kind of rule fires.
 */
import { CelOutcome, evaluate, evaluateCelRules, formatOutcome, unsupportedCalls, vendoredRules } from './support/cel-rules';
import { CDK8S_EXAMPLES, synthExampleObjects } from './support/examples';

/**
 * Rules the evaluator cannot run, each with the reason (empty: every vendored rule is supported).
 * Matched by CRD file and rule text; counted and printed, never silently skipped.
 */
const ALLOWED_UNSUPPORTED: ReadonlyArray<{ file: string; rule: string; reason: string }> = [];

/** Rule failures today's example output is known to have (empty: none). Printed, and each is a bug. */
const KNOWN_BUGS: ReadonlyArray<{ object: RegExp; message: RegExp; issue: string }> = [];

describe('every rule of every vendored CRD', () => {
  const rules = vendoredRules();

  test('is found (the vendored CRDs carry CEL rules)', () => {
    const perCrd: Record<string, number> = {};
    for (const r of rules) perCrd[`${r.kind}/${r.version}`] = (perCrd[`${r.kind}/${r.version}`] ?? 0) + 1;
    console.log(`CEL rules in vendor/crds: ${rules.length} (${rules.filter(r => r.transition).length} transition rules)`, perCrd);
    expect(perCrd['HTTPRoute/v1']).toBeGreaterThan(50);
    expect(perCrd['EC2NodeClass/v1']).toBeGreaterThan(30);
    expect(perCrd['NodePool/v1']).toBeGreaterThan(10);
    expect(perCrd['ScaledObject/v1alpha1']).toBeGreaterThan(0);
  });

  test('parses and calls only functions the evaluator provides', () => {
    const problems: string[] = [];
    let allowed = 0;
    for (const r of rules) {
      let unsupported: string[];
      try {
        unsupported = unsupportedCalls(r.rule);
      } catch (e) {
        problems.push(`${r.file} ${r.kind}/${r.version} ${r.schemaPath}: does not parse (${(e as Error).message}): ${r.rule}`);
        continue;
      }
      if (unsupported.length === 0) continue;
      const allow = ALLOWED_UNSUPPORTED.find(a => a.file === r.file && a.rule === r.rule);
      if (allow) { allowed++; console.warn(`CEL rule not evaluated (${allow.reason}): ${r.file} ${r.rule}`); continue; }
      problems.push(`${r.file} ${r.kind}/${r.version} ${r.schemaPath}: calls ${unsupported.join(', ')}: ${r.rule}`);
    }
    console.log(`unsupported rules allowed: ${allowed}`);
    expect(problems).toEqual([]);
  });
});

describe('the evaluator implements what the rules call', () => {
  test.each<[string, unknown, boolean]>([
    ["self.find('^[^@]+') == 'al2023'", 'al2023@latest', true],
    ["self.find('^([^/]+)').endsWith('karpenter.sh')", 'karpenter.sh/nodepool', true],
    ["self.find('^x') == ''", 'abc', true],
    ["self.split('@')[0] in ['al2','al2023']", 'al2023@v20250807', true],
    ["self.split('@')[1] == 'latest'", 'windows2022@v1', false],
    ["duration(self) > duration('1h30m')", '5401s', true],
    ["duration(self) == duration('0s')", '0s', true],
    ['self.matches("^[a-zA-Z0-9]+@.+$")', 'al2023@latest', true],
    ['self.matches("^[a-z]+@.+$")', 'al2023@latest', false],
    ['int(self) >= 0', '42', true],
    ["self.startsWith('/') && !self.contains('//') && !self.endsWith('/.')", '/v1', true],
  ])('%s on %j is %p', (rule, self, expected) => {
    expect(evaluate(rule, self)).toBe(expected);
  });

  test('comprehensions, membership and maps', () => {
    const list = [new Map<string, unknown>([['type', 'CORS']]), new Map<string, unknown>([['type', 'CORS']])];
    expect(evaluate("self.filter(f, f.type == 'CORS').size() <= 1", list)).toBe(false);
    expect(evaluate("self.exists_one(f, f.type == 'CORS')", list)).toBe(false);
    expect(evaluate("'*' in self", ['*', 'GET'])).toBe(true);
    expect(evaluate("self.all(k, k != '' && self[k] != '')", new Map([['a', '']]))).toBe(false);
    expect(evaluate('has(self.x)', new Map())).toBe(false);
  });

  test('an evaluation error is reported as an error, not as a pass', () => {
    expect(evaluate('self.missing == 1', new Map())).toEqual({ error: expect.stringMatching(/missing/) });
    expect(evaluate('int(self) >= 0', 'abc')).toEqual({ error: expect.any(String) });
  });
});

describe.each(CDK8S_EXAMPLES)('example %s', name => {
  test('every CRD-backed object passes every CEL rule of its CRD', () => {
    const objects = synthExampleObjects(name);
    const { outcomes, transitionSkipped } = evaluateCelRules(objects);
    const perCrd: Record<string, number> = {};
    for (const o of outcomes) perCrd[o.rule.kind] = (perCrd[o.rule.kind] ?? 0) + 1;
    console.log(`[${name}] CEL rules evaluated per CRD:`, perCrd, `transition rules skipped: ${transitionSkipped}`);
    const known = (o: CelOutcome) => KNOWN_BUGS.some(b => b.object.test(o.object) && b.message.test(o.rule.message));
    const bad = outcomes.filter(o => o.status !== 'pass');
    for (const o of bad.filter(known)) console.warn(`[${name}] KNOWN BUG:\n${formatOutcome(o)}`);
    const unexpected = bad.filter(o => !known(o));
    if (unexpected.length > 0) throw new Error(`${unexpected.length} CEL rule(s) refuse example output:\n${unexpected.map(formatOutcome).join('\n')}`);
    // Examples with Karpenter pools run its many rules; the others (multi-node: a pool of existing
    // EFA nodes) at least their autoscaler's: rules did run.
    expect(outcomes.length).toBeGreaterThan(objects.some(o => o.kind === 'NodePool') ? 20 : 0);
  }, 120_000);
});

// ---------------------------------------------------------------------------------------------
// Targeted objects (shaped like modelship's output) breaking one real rule each.

const ec2NodeClass = () => ({
  apiVersion: 'karpenter.k8s.aws/v1',
  kind: 'EC2NodeClass',
  metadata: { name: 'h100' },
  spec: {
    amiSelectorTerms: [{ alias: 'al2023@v20250807' }] as any[],
    blockDeviceMappings: [{ deviceName: '/dev/xvda', ebs: { volumeSize: '200Gi', volumeType: 'gp3' }, rootVolume: true }] as any[],
    role: 'KarpenterNodeRole-llm-prod' as string | undefined,
    securityGroupSelectorTerms: [{ tags: { 'karpenter.sh/discovery': 'llm-prod' } }] as any[],
    subnetSelectorTerms: [{ tags: { 'karpenter.sh/discovery': 'llm-prod' } }] as any[],
    tags: { 'modelship.dev/pool': 'h100' } as Record<string, string>,
  } as Record<string, any>,
});
const nodePool = () => ({
  apiVersion: 'karpenter.sh/v1',
  kind: 'NodePool',
  metadata: { name: 'h100' },
  spec: {
    disruption: { budgets: [{ nodes: '10%' }] as any[], consolidateAfter: '5m', consolidationPolicy: 'WhenEmpty' },
    limits: { 'nvidia.com/gpu': 16 },
    template: {
      metadata: { labels: { 'modelship.dev/pool': 'h100' } as Record<string, string> },
      spec: {
        nodeClassRef: { group: 'karpenter.k8s.aws', kind: 'EC2NodeClass', name: 'h100' },
        requirements: [{ key: 'node.kubernetes.io/instance-type', operator: 'In', values: ['p5.48xlarge'] }] as any[],
        taints: [{ effect: 'NoSchedule', key: 'nvidia.com/gpu', value: 'true' }],
      },
    },
  } as Record<string, any>,
});
const httpRoute = () => ({
  apiVersion: 'gateway.networking.k8s.io/v1',
  kind: 'HTTPRoute',
  metadata: { name: 'llama-70b', namespace: 'llm' },
  spec: {
    parentRefs: [{ name: 'inference-gateway', namespace: 'gateway' }] as any[],
    rules: [{
      backendRefs: [{ name: 'llama-70b', port: 8000, weight: 100 }, { name: 'llama-70b-canary', port: 8000, weight: 0 }] as any[],
      matches: [{ path: { type: 'PathPrefix', value: '/v1' } }] as any[],
      timeouts: { backendRequest: '600s', request: '600s' } as Record<string, string>,
    } as Record<string, any>],
  },
});
const scaledObject = () => ({
  apiVersion: 'keda.sh/v1alpha1',
  kind: 'ScaledObject',
  metadata: { name: 'llama-70b', namespace: 'llm' },
  spec: { scaleTargetRef: { name: 'llama-70b' }, minReplicaCount: 2, maxReplicaCount: 6, triggers: [{ type: 'prometheus', metadata: { query: 'x', threshold: '5' } }] } as Record<string, any>,
});
const rollout = () => ({
  apiVersion: 'argoproj.io/v1alpha1',
  kind: 'Rollout',
  metadata: { name: 'llama-70b', namespace: 'llm' },
  spec: { selector: { matchLabels: { 'modelship.dev/service': 'llama-70b' } }, workloadRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'llama-70b' } },
});

test('the targeted base objects pass every rule', () => {
  const { outcomes } = evaluateCelRules([ec2NodeClass(), nodePool(), httpRoute(), scaledObject(), rollout()]);
  expect(outcomes.filter(o => o.status !== 'pass').map(formatOutcome)).toEqual([]);
  expect(outcomes.length).toBeGreaterThan(60);
});

type Target = [string, () => any, RegExp, ('fail' | 'error')?];
const targets: Target[] = [
  // Karpenter EC2NodeClass (karpenter-provider-aws v1.14.1)
  ['EC2NodeClass role ""', () => { const o = ec2NodeClass(); o.spec.role = ''; return o; }, /role cannot be empty/],
  ['EC2NodeClass role and instanceProfile', () => { const o = ec2NodeClass(); o.spec.instanceProfile = 'p'; return o; }, /must specify exactly one of \['role', 'instanceProfile'\]/],
  ['EC2NodeClass neither role nor instanceProfile', () => { const o = ec2NodeClass(); delete o.spec.role; return o; }, /must specify exactly one of/],
  ['EC2NodeClass instanceProfile ""', () => { const o = ec2NodeClass(); delete o.spec.role; o.spec.instanceProfile = ''; return o; }, /instanceProfile cannot be empty/],
  ['amiAlias "al2023" (no @version)', () => { const o = ec2NodeClass(); o.spec.amiSelectorTerms = [{ alias: 'al2023' }]; return o; }, /'alias' is improperly formatted/],
  ['amiAlias "ubuntu@latest"', () => { const o = ec2NodeClass(); o.spec.amiSelectorTerms = [{ alias: 'ubuntu@latest' }]; return o; }, /family is not supported/],
  ['amiAlias "windows2022@v1"', () => { const o = ec2NodeClass(); o.spec.amiSelectorTerms = [{ alias: 'windows2022@v1' }]; return o; }, /windows families may only specify version 'latest'/],
  ['amiFamily AL2 with an AL2023 alias', () => { const o = ec2NodeClass(); o.spec.amiFamily = 'AL2'; return o; }, /amiFamily must be 'AL2023' or 'Custom'/],
  ['alias together with a second term', () => { const o = ec2NodeClass(); o.spec.amiSelectorTerms.push({ id: 'ami-123' }); return o; }, /'alias' is mutually exclusive, cannot be set with a combination of other amiSelectorTerms/],
  ['no alias and no amiFamily', () => { const o = ec2NodeClass(); o.spec.amiSelectorTerms = [{ id: 'ami-123' }]; return o; }, /must specify amiFamily/],
  ['empty subnetSelectorTerms', () => { const o = ec2NodeClass(); o.spec.subnetSelectorTerms = []; return o; }, /subnetSelectorTerms cannot be empty/],
  ['security group tag with an empty value', () => { const o = ec2NodeClass(); o.spec.securityGroupSelectorTerms = [{ tags: { 'karpenter.sh/discovery': '' } }]; return o; }, /empty tag keys or values aren't supported/],
  ['tag kubernetes.io/cluster/...', () => { const o = ec2NodeClass(); o.spec.tags['kubernetes.io/cluster/llm-prod'] = 'owned'; return o; }, /restricted tag matching kubernetes.io\/cluster/],
  ['tag karpenter.sh/nodepool', () => { const o = ec2NodeClass(); o.spec.tags['karpenter.sh/nodepool'] = 'x'; return o; }, /restricted tag matching karpenter.sh\/nodepool/],
  ['two root volumes', () => { const o = ec2NodeClass(); o.spec.blockDeviceMappings.push({ deviceName: '/dev/xvdb', ebs: { volumeSize: '1Gi' }, rootVolume: true }); return o; }, /only one blockDeviceMappings with rootVolume/],
  ['ebs without size or snapshot', () => { const o = ec2NodeClass(); o.spec.blockDeviceMappings[0].ebs = { volumeType: 'gp3' }; return o; }, /snapshotID or volumeSize must be defined/],
  ['kubeReserved negative', () => { const o = ec2NodeClass(); o.spec.kubelet = { kubeReserved: { cpu: '-1' } }; return o; }, /kubeReserved value cannot be a negative resource quantity/],
  // Karpenter NodePool
  ['node label karpenter.sh/nodepool', () => { const o = nodePool(); o.spec.template.metadata.labels['karpenter.sh/nodepool'] = 'x'; return o; }, /label "karpenter.sh\/nodepool" is restricted/],
  ['node label kubernetes.io/hostname', () => { const o = nodePool(); o.spec.template.metadata.labels['kubernetes.io/hostname'] = 'x'; return o; }, /label "kubernetes.io\/hostname" is restricted/],
  ['node label in the karpenter.sh domain', () => { const o = nodePool(); o.spec.template.metadata.labels['team.karpenter.sh/x'] = 'y'; return o; }, /label domain "karpenter.sh" is restricted/],
  ['requirement key in the karpenter.k8s.aws domain', () => { const o = nodePool(); o.spec.template.spec.requirements.push({ key: 'karpenter.k8s.aws/made-up', operator: 'Exists' }); return o; }, /label domain "karpenter.k8s.aws" is restricted/],
  ['requirement In without values', () => { const o = nodePool(); o.spec.template.spec.requirements[0].values = []; return o; }, /requirements with operator 'In' must have a value defined/],
  ['requirement Gt with two values', () => { const o = nodePool(); o.spec.template.spec.requirements.push({ key: 'karpenter.k8s.aws/instance-gpu-count', operator: 'Gt', values: ['1', '2'] }); return o; }, /must have a single positive integer value/],
  ['requirement Gt with a non-number', () => { const o = nodePool(); o.spec.template.spec.requirements.push({ key: 'karpenter.k8s.aws/instance-gpu-count', operator: 'Gt', values: ['many'] }); return o; }, /must have a single positive integer value/, 'error'],
  ['minValues above the values given', () => { const o = nodePool(); o.spec.template.spec.requirements[0].minValues = 2; return o; }, /must have at least that many values/],
  ['nodeClassRef name ""', () => { const o = nodePool(); o.spec.template.spec.nodeClassRef.name = ''; return o; }, /name may not be empty/],
  ['budget schedule without duration', () => { const o = nodePool(); o.spec.disruption.budgets = [{ nodes: '10%', schedule: '@daily' }]; return o; }, /'schedule' must be set with 'duration'/],
  ['static NodePool with weight', () => { const o = nodePool(); o.spec.replicas = 2; o.spec.weight = 10; delete o.spec.limits; return o; }, /'weight' is not supported on static NodePools/],
  // Gateway API HTTPRoute (v1.6.1)
  ['path "v1" (PathPrefix not starting with /)', () => { const o = httpRoute(); o.spec.rules[0].matches[0].path.value = 'v1'; return o; }, /must be an absolute path and start with '\/'/],
  ['path "//v1"', () => { const o = httpRoute(); o.spec.rules[0].matches[0].path.value = '//v1'; return o; }, /must not contain '\/\/'/],
  ['path "/a/../b"', () => { const o = httpRoute(); o.spec.rules[0].matches[0].path.value = '/a/../b'; return o; }, /must not contain '\/\.\.\/'/],
  ['path "/a#b"', () => { const o = httpRoute(); o.spec.rules[0].matches[0].path.value = '/a#b'; return o; }, /must not contain '#'/],
  ['path "/a%2Fb"', () => { const o = httpRoute(); o.spec.rules[0].matches[0].path.value = '/a%2Fb'; return o; }, /must not contain '%2F'/],
  ['path "/v1 beta"', () => { const o = httpRoute(); o.spec.rules[0].matches[0].path.value = '/v1 beta'; return o; }, /must only contain valid characters/],
  ['path ending "/."', () => { const o = httpRoute(); o.spec.rules[0].matches[0].path.value = '/v1/.'; return o; }, /must not end with '\/\.'/],
  ['Service backend without port', () => { const o = httpRoute(); delete o.spec.rules[0].backendRefs[1].port; return o; }, /Must have port for Service reference/],
  ['backendRequest timeout above request timeout', () => { const o = httpRoute(); o.spec.rules[0].timeouts = { request: '10s', backendRequest: '1h30m' }; return o; }, /backendRequest timeout cannot be longer than request timeout/],
  ['the same parentRef twice', () => { const o = httpRoute(); o.spec.parentRefs.push({ name: 'inference-gateway', namespace: 'gateway' }); return o; }, /sectionName must be unique when parentRefs includes 2 or more references to the same parent/],
  ['two RequestHeaderModifier filters', () => { const o = httpRoute(); o.spec.rules[0].filters = [{ type: 'RequestHeaderModifier', requestHeaderModifier: {} }, { type: 'RequestHeaderModifier', requestHeaderModifier: {} }]; return o; }, /RequestHeaderModifier filter cannot be repeated/],
  ['filter type without its field', () => { const o = httpRoute(); o.spec.rules[0].filters = [{ type: 'URLRewrite' }]; return o; }, /filter.urlRewrite must be specified for URLRewrite filter.type/],
  ['more than 128 matches across rules', () => { const o = httpRoute(); o.spec.rules[0].matches = Array.from({ length: 129 }, (_, i) => ({ path: { type: 'PathPrefix', value: `/v${i}` } })); return o; }, /total number of matches|128/],
  // KEDA ScaledObject (v2.20.2)
  ['minReplicaCount above maxReplicaCount', () => { const o = scaledObject(); o.spec.minReplicaCount = 7; return o; }, /minReplicaCount must be less than or equal to maxReplicaCount/],
  ['minReplicaCount above the default maximum (100)', () => { const o = scaledObject(); delete o.spec.maxReplicaCount; o.spec.minReplicaCount = 101; return o; }, /minReplicaCount must be less than or equal to maxReplicaCount/],
];

describe('each targeted object breaks the rule it aims at', () => {
  test.each(targets)('%s', (_title, make, message, status = 'fail') => {
    const { outcomes } = evaluateCelRules([make()]);
    const hit = outcomes.filter(o => o.status === status && message.test(o.rule.message));
    if (hit.length === 0) {
      const bad = outcomes.filter(o => o.status !== 'pass');
      throw new Error(`expected a "${status}" of a rule matching ${message}; got:\n${bad.map(formatOutcome).join('\n') || '  (every rule passed)'}`);
    }
  });

  test('each CRD with rules has rules proven to fire, and every distinct rule proven is counted', () => {
    const proven = new Map<string, Set<string>>();
    for (const [, make, message, status = 'fail'] of targets) {
      for (const o of evaluateCelRules([make()]).outcomes) {
        if (o.status === status && message.test(o.rule.message)) {
          const set = proven.get(o.rule.kind) ?? new Set<string>();
          set.add(o.rule.rule);
          proven.set(o.rule.kind, set);
        }
      }
    }
    const counts = Object.fromEntries([...proven].map(([k, s]) => [k, s.size]));
    console.log('distinct CEL rules proven to fire, per CRD:', counts);
    for (const kind of ['EC2NodeClass', 'NodePool', 'HTTPRoute', 'ScaledObject']) expect(counts[kind] ?? 0).toBeGreaterThan(0);
  });

  test('a transition rule (oldSelf) is skipped and counted, not run', () => {
    const { outcomes, transitionSkipped } = evaluateCelRules([rollout()]);
    expect(transitionSkipped).toBe(1); // Rollout .spec.selector: self == oldSelf
    expect(outcomes.filter(o => o.rule.transition)).toEqual([]);
  });

  test('defaults are applied before rules run (HTTPRoute backendRef group/kind default to ""/Service)', () => {
    const o = httpRoute();
    const { outcomes } = evaluateCelRules([o]);
    const portRule = outcomes.filter(x => /Must have port for Service reference/.test(x.rule.message));
    expect(portRule.length).toBeGreaterThan(0);
    expect(portRule.every(x => x.status === 'pass')).toBe(true);
  });
});
