/**
 * lib/private/crd-rules: table tests, and for every input the verdict of the REAL rule (the CEL text
 * in vendor/crds/, run by @bufbuild/cel through test/support/cel-rules.ts) must be the same.
 */
import * as fc from 'fast-check';
import { Problems } from '../lib/errors';
import { evaluate, vendoredRules } from './support/cel-rules';
import * as crd from '../lib/private/crd-rules';

/** Do all (non-transition) rules of a CRD at a schema node accept `self`? */
function celAccepts(kind: string, schemaPath: string, self: unknown): boolean {
  const rules = vendoredRules().filter(r => r.kind === kind && r.schemaPath === schemaPath && !r.transition && (r.version === 'v1' || kind === 'ScaledObject'));
  if (rules.length === 0) throw new Error(`no rule at ${kind} ${schemaPath}`);
  return rules.every(r => {
    const v = evaluate(r.rule, self);
    return v === true;
  });
}

function libAccepts(check: (p: Problems) => boolean): { ok: boolean; problems: Problems['list'] } {
  const problems = new Problems('chart/pool');
  const ok = check(problems);
  expect(problems.list).toHaveLength(ok ? 0 : 1);
  for (const p of problems.list) expect(p.fix.length).toBeGreaterThan(0);
  return { ok, problems: problems.list };
}

describe('EC2NodeClass role / instanceProfile (`self != \'\'`)', () => {
  test.each<[unknown, boolean]>([['KarpenterNodeRole-llm', true], ['', false], [undefined, true]])('%j -> %p', (v, ok) => {
    expect(libAccepts(p => crd.checkKarpenterIdentity(p, 'provisioner.nodeRole', v)).ok).toBe(ok);
    if (typeof v === 'string') {
      expect(celAccepts('EC2NodeClass', 'spec.role', v)).toBe(ok);
      expect(celAccepts('EC2NodeClass', 'spec.instanceProfile', v)).toBe(ok);
    }
  });
});

describe('EC2NodeClass selector tags', () => {
  test.each<[Record<string, string>, boolean]>([
    [{ 'karpenter.sh/discovery': 'llm-prod' }, true],
    [{ 'karpenter.sh/discovery': '' }, false], // clusterName: '' renders this
    [{ '': 'x' }, false],
    [{ a: 'b', c: 'd' }, true],
  ])('%j -> %p, as the CEL rule says', (tags, ok) => {
    expect(libAccepts(p => crd.checkKarpenterSelectorTags(p, 'provisioner.discoveryTags', tags)).ok).toBe(ok);
    expect(celAccepts('EC2NodeClass', 'spec.subnetSelectorTerms[].tags', new Map(Object.entries(tags)))).toBe(ok);
    expect(celAccepts('EC2NodeClass', 'spec.securityGroupSelectorTerms[].tags', new Map(Object.entries(tags)))).toBe(ok);
  });

  test('no tag (modelship policy; the CRD accepts it) and more than 20 (schema maxProperties) are refused', () => {
    expect(celAccepts('EC2NodeClass', 'spec.subnetSelectorTerms[].tags', new Map())).toBe(true);
    expect(libAccepts(p => crd.checkKarpenterSelectorTags(p, 't', {})).problems[0].reason).toMatch(/selects by no tag/);
    const many = Object.fromEntries(Array.from({ length: 21 }, (_, i) => [`k${i}`, 'v']));
    expect(libAccepts(p => crd.checkKarpenterSelectorTags(p, 't', many)).problems[0].reason).toMatch(/21 tags, over the 20/);
  });
});

describe('EC2NodeClass AMI alias', () => {
  test.each<[string, boolean]>([
    ['al2023@v20250807', true], ['bottlerocket@v1.44.0', true], ['al2@v20240807', true], ['windows2022@latest', true],
    ['al2023', false], ['al2023@', false], ['@v1', false], ['ubuntu@latest', false], ['windows2022@v1', false], ['al 2023@v1', false], ['AL2023@v1', false],
  ])('%j: the lib (allowing @latest) agrees with the CEL rules: %p', (alias, ok) => {
    expect(libAccepts(p => crd.checkKarpenterAmiAlias(p, 'provisioner.amiAlias', alias, { allowLatest: true })).ok).toBe(ok);
    expect(celAccepts('EC2NodeClass', 'spec.amiSelectorTerms[].alias', alias)).toBe(ok);
  });

  test('"al2023@latest" passes the CRD but is refused by default (modelship policy: it replaces every node on each release)', () => {
    expect(celAccepts('EC2NodeClass', 'spec.amiSelectorTerms[].alias', 'al2023@latest')).toBe(true);
    const { ok, problems } = libAccepts(p => crd.checkKarpenterAmiAlias(p, 'provisioner.amiAlias', 'al2023@latest'));
    expect(ok).toBe(false);
    expect(problems[0].reason).toMatch(/replaces every node/);
  });

  test('a narrower family list (what modelship supports)', () => {
    const { ok, problems } = libAccepts(p => crd.checkKarpenterAmiAlias(p, 'provisioner.amiAlias', 'windows2022@latest', { families: ['al2023', 'bottlerocket', 'al2'] }));
    expect(ok).toBe(false);
    expect(problems[0].reason).toMatch(/not supported here/);
  });

  test('property: on generated aliases the lib and the CEL rules agree', () => {
    const part = fc.string({ unit: fc.constantFrom('a', 'l', '2', '0', '3', 'w', 'i', 'n', 'd', 'o', 's', '@', 'b', 't', 'r', 'c', 'k', 'e', '-', '.', ' '), maxLength: 14 });
    const alias = fc.oneof(part, fc.tuple(fc.constantFrom(...crd.KARPENTER_AMI_FAMILIES, 'ubuntu', ''), fc.constantFrom('latest', 'v1', '', '@x')).map(([f, v]) => `${f}@${v}`));
    fc.assert(fc.property(alias, a => {
      expect({ a, lib: libAccepts(p => crd.checkKarpenterAmiAlias(p, 'x', a, { allowLatest: true })).ok }).toEqual({ a, lib: celAccepts('EC2NodeClass', 'spec.amiSelectorTerms[].alias', a) });
    }), { numRuns: 500, seed: 11 });
  });
});

describe('NodePool node label keys', () => {
  test.each<[string, boolean]>([
    ['example.com/team', true], ['modelship.dev/pool', true], ['karpenter.sh/capacity-type', true], ['karpenter.k8s.aws/instance-gpu-name', true],
    ['karpenter.sh/nodepool', false], ['kubernetes.io/hostname', false], ['team.karpenter.sh/x', false], ['notkarpenter.sh/x', false],
    ['xkarpenter.sh', false], ['karpenter.k8s.aws/made-up', false], ['node.karpenter.k8s.aws/x', false], ['topology.kubernetes.io/zone', true],
  ])('%j -> %p, as the CEL rules say', (key, ok) => {
    expect(libAccepts(p => crd.checkKarpenterNodeLabelKey(p, `provisioner.labels["${key}"]`, key)).ok).toBe(ok);
    expect(celAccepts('NodePool', 'spec.template.metadata.labels', new Map([[key, 'v']]))).toBe(ok);
  });
});

describe('HTTPRoute path (Exact / PathPrefix)', () => {
  test.each<[string, boolean]>([
    ['/v1', true], ['/', true], ['/v1/chat/completions', true], ['/a%20b', true], ['/a:b@c', true],
    ['v1', false], ['//v1', false], ['/a/./b', false], ['/a/../b', false], ['/a%2fb', false], ['/a%2Fb', false], ['/a#b', false],
    ['/a/..', false], ['/a/.', false], ['/v1 beta', false], ['/ü', false], ['/a%zz', false], ['', false],
  ])('%j -> %p, as the CEL rules say', (path, ok) => {
    const { ok: libOk, problems } = libAccepts(p => crd.checkHttpRoutePath(p, 'route.pathPrefix', path));
    expect(libOk).toBe(ok);
    expect(celAccepts('HTTPRoute', 'spec.rules[].matches[].path', new Map([['type', 'PathPrefix'], ['value', path]]))).toBe(ok);
    if (!ok) {
      const suggestion = /use e\.g\. "([^"]+)"/.exec(problems[0].fix)?.[1];
      if (suggestion) expect(libAccepts(p => crd.checkHttpRoutePath(p, 'x', suggestion)).ok).toBe(true);
    }
  });

  test('property: on generated paths the lib and the CEL rules agree', () => {
    const path = fc.string({ unit: fc.constantFrom('/', '.', 'a', 'v', '1', '%', '2', 'f', 'F', '#', ' ', ':', '@', '~', 'z', '?'), maxLength: 12 });
    fc.assert(fc.property(path, v => {
      expect({ v, lib: libAccepts(p => crd.checkHttpRoutePath(p, 'x', v)).ok })
        .toEqual({ v, lib: celAccepts('HTTPRoute', 'spec.rules[].matches[].path', new Map([['type', 'PathPrefix'], ['value', v]])) });
    }), { numRuns: 1000, seed: 12 });
  });
});

describe('HTTPRoute timeouts', () => {
  test.each<[number, number, boolean]>([[600_000, 600_000, true], [10_000, 5_400_000, false], [0, 5_400_000, true], [5_400_000, 10_000, true]])(
    'request %p ms, backendRequest %p ms -> %p', (request, backend, ok) => {
      expect(libAccepts(p => crd.checkHttpRouteTimeouts(p, 'route.requestTimeout', request, backend)).ok).toBe(ok);
      expect(celAccepts('HTTPRoute', 'spec.rules[].timeouts', new Map([['request', `${request}ms`], ['backendRequest', `${backend}ms`]]))).toBe(ok);
    });
});

describe('KEDA ScaledObject replica counts', () => {
  test.each<[number, number | undefined, boolean]>([[1, 4, true], [4, 4, true], [5, 4, false], [100, undefined, true], [101, undefined, false]])(
    'min %p, max %p -> %p', (min, max, ok) => {
      expect(libAccepts(p => crd.checkKedaReplicaCounts(p, 'autoscaling', min, max)).ok).toBe(ok);
      const self = new Map<string, unknown>([['minReplicaCount', BigInt(min)]]);
      if (max !== undefined) self.set('maxReplicaCount', BigInt(max));
      expect(celAccepts('ScaledObject', 'spec', self)).toBe(ok);
    });
});
