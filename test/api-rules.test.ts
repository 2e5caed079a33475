/**
 * Table tests of lib/private/api-rules: each rule with values the API server (kubelet, controller)
 * accepts and values it refuses, including every example of issue 11. Expectations come from the
 * upstream sources each rule cites (apimachinery validation.go, quantity.go, Go time.ParseDuration,
 * distribution/reference, GEP-2257, prometheus/common); test/api-rules.property.test.ts cross-checks
 * the same rules against the independent test-side reimplementation.
 */
import { Problems } from '../lib/errors';
import * as rules from '../lib/private/api-rules';

type Check = (sink: rules.ProblemSink, property: string, value: unknown) => boolean;

/** Runs a check with a real `Problems` (what constructs pass) and returns what it recorded. */
function run(check: Check, value: unknown) {
  const problems = new Problems('chart/construct');
  const ok = check(problems, 'prop', value);
  return { ok, problems: problems.list };
}

/** A value the rule accepts: true, nothing recorded. */
function expectAccepted(check: Check, value: unknown): void {
  const { ok, problems } = run(check, value);
  expect(problems).toEqual([]);
  expect(ok).toBe(true);
}

/**
 * A value the rule refuses: false, exactly one problem with path, property, value, a reason
 * matching `reason`, and a fix; when the fix quotes a suggestion, the suggestion passes the rule.
 */
function expectRefused(check: Check, value: unknown, reason: RegExp): void {
  const { ok, problems } = run(check, value);
  expect(ok).toBe(false);
  expect(problems).toHaveLength(1);
  const [p] = problems;
  expect(p.path).toBe('chart/construct');
  expect(p.property).toBe('prop');
  expect(p.reason).toMatch(reason);
  expect(p.fix.length).toBeGreaterThan(0);
  const suggestion = /(?:like|use) "([^"]*)"/.exec(p.fix)?.[1];
  if (suggestion !== undefined && typeof value === 'string') {
    expect(run(check, suggestion).problems).toEqual([]);
  }
}

const hex64 = 'a'.repeat(64);

describe('DNS-1123 label (Namespace names; apimachinery IsDNS1123Label)', () => {
  const check: Check = rules.checkDns1123Label;
  test.each(['llm', 'llm-prod', 'a', '0', '1a', 'a-b-c', 'a'.repeat(63)])('accepts %j', v => expectAccepted(check, v));
  test.each([
    ['LLM', /not a DNS-1123 label/],
    ['llm_prod', /not a DNS-1123 label/],
    ['a'.repeat(64), /64 characters, over the 63/],
    ['', /must not be empty/],
    ['-llm', /not a DNS-1123 label/],
    ['llm-', /not a DNS-1123 label/],
    ['llm.prod', /not a DNS-1123 label/],
    ['GPU Ops', /not a DNS-1123 label/],
    ['Team A', /not a DNS-1123 label/],
    ['ñandú', /not a DNS-1123 label/],
    [' llm', /not a DNS-1123 label/],
    ['llm\n', /not a DNS-1123 label/],
    [5, /a string\), got a number/],
    [undefined, /got undefined/],
    [null, /got null/],
  ])('refuses %j', (v, reason) => expectRefused(check, v, reason));

  test('maxLength narrows the limit', () => {
    expectRefused((s, p, v) => rules.checkDns1123Label(s, p, v, { maxLength: 52 }), 'a'.repeat(53), /53 characters, over the 52/);
  });
});

describe('DNS-1123 subdomain (most kinds; apimachinery IsDNS1123Subdomain)', () => {
  const check: Check = rules.checkDns1123Subdomain;
  const longest = ['a'.repeat(63), 'b'.repeat(63), 'c'.repeat(63), 'd'.repeat(61)].join('.');
  test('the longest case is 253 characters', () => expect(longest).toHaveLength(253));
  test.each(['a', 'a.b', 'model-cache.v1', 'hf-token', '0.9.2', longest])('accepts %j', v => expectAccepted(check, v));
  test.each([
    [longest + 'e', /254 characters, over the 253/],
    ['', /must not be empty/],
    ['a..b', /not a DNS-1123 subdomain/],
    ['.a', /not a DNS-1123 subdomain/],
    ['a.', /not a DNS-1123 subdomain/],
    ['HF_Token', /not a DNS-1123 subdomain/],
    ['EFS SC', /not a DNS-1123 subdomain/],
    ['a.-b', /not a DNS-1123 subdomain/],
  ])('refuses %j', (v, reason) => expectRefused(check, v, reason));
});

describe('DNS-1035 label (Service names; apimachinery IsDNS1035Label)', () => {
  const check: Check = rules.checkDns1035Label;
  test.each(['svc', 'a1', 'llama-70b', 'a'.repeat(63)])('accepts %j', v => expectAccepted(check, v));
  test.each([
    ['1abc', /start.*with a letter|not a DNS-1035 label/],
    ['70b', /not a DNS-1035 label/],
    ['a_b', /not a DNS-1035 label/],
    ['-a', /not a DNS-1035 label/],
    ['a'.repeat(64), /64 characters/],
  ])('refuses %j', (v, reason) => expectRefused(check, v, reason));
});

describe('derived names must fit too', () => {
  const suffixes = ['-model-cache', '-canary'];
  const check = (name: string) => (s: rules.ProblemSink, p: string, v: unknown) =>
    rules.checkDns1123Label(s, p, v, { derived: suffixes.map(x => `${name}${x}`) });

  test('a 51-character name leaves room for <name>-model-cache (63)', () => {
    const name = 'a'.repeat(51);
    expectAccepted(check(name), name);
  });

  test('a 52-character name is refused because <name>-model-cache would be 64, and the fix fits', () => {
    const name = 'llama-' + 'x'.repeat(46);
    const { ok, problems } = run(check(name), name);
    expect(ok).toBe(false);
    expect(problems[0].reason).toMatch(/"llama-x+-model-cache" modelship derives from it is 64 characters, over the 63/);
    expect(problems[0].fix).toMatch(/at most 51 characters/);
    const suggestion = /like "([^"]+)"/.exec(problems[0].fix)![1];
    expect(suggestion.length).toBeLessThanOrEqual(51);
    expect(run(check(suggestion), suggestion).ok).toBe(true);
  });

  test('an invalid name reports its own problem, once, with a fix that leaves room', () => {
    const name = 'Llama_70B';
    const { problems } = run(check(name), name);
    expect(problems).toHaveLength(1);
    expect(problems[0].reason).toMatch(/not a DNS-1123 label/);
    expect(problems[0].fix).toMatch(/like "llama-70b"/);
  });
});

describe('label keys (apimachinery content.IsLabelKey)', () => {
  const check: Check = rules.checkLabelKey;
  test.each(['app', 'app.kubernetes.io/name', 'example.com/a_b.c', 'MyName', 'a'.repeat(63), 'karpenter.sh/capacity-type', `${'a'.repeat(253)}/b`])(
    'accepts %j', v => expectAccepted(check, v));
  test.each([
    ['team name', /name part "team name" must be/],
    ['a/b/c', /has 2 '\/'/],
    ['/a', /empty prefix/],
    ['a/', /empty name part/],
    ['', /empty name part/],
    ['a'.repeat(64), /name part is 64 characters, over 63/],
    [`example.com/${'a'.repeat(64)}`, /name part is 64 characters/],
    ['Example.com/a', /prefix "Example.com" is not a DNS-1123 subdomain/],
    [`${'a'.repeat(254)}/b`, /prefix is 254 characters/],
    ['-a', /name part "-a" must be/],
    ['a_', /name part "a_" must be/],
  ])('refuses %j', (v, reason) => expectRefused(check, v, reason));
});

describe('label values (apimachinery content.IsLabelValue)', () => {
  const check: Check = rules.checkLabelValue;
  test.each(['', 'v1', '0.9.2', 'A_b-C.d', 'a'.repeat(63), 'llama-70b'])('accepts %j', v => expectAccepted(check, v));
  test.each([
    ['0.9.2+cu126', /must be empty or letters/],
    ['a'.repeat(64), /at most 63 characters, this one has 64/],
    ['-a', /must be empty or letters/],
    ['a b', /must be empty or letters/],
    ['ünï', /must be empty or letters/],
    ['v1.', /must be empty or letters/],
    [1, /must be a string, got a number/],
  ])('refuses %j', (v, reason) => expectRefused(check, v, reason));

  test('a whole label map is checked key by key', () => {
    const problems = new Problems('c');
    expect(rules.checkLabels(problems, 'labels', { 'team name': 'a', 'ok': '0.9.2+cu126', 'fine': 'yes' })).toBe(false);
    expect(problems.list.map(p => p.property)).toEqual(['labels["team name"]', 'labels["ok"]']);
  });
});

describe('annotations (apimachinery ValidateAnnotations)', () => {
  const check: Check = rules.checkAnnotationKey;
  test.each(['owner', 'Example.COM/Owner', 'prometheus.io/scrape'])('accepts key %j (case does not matter)', v => expectAccepted(check, v));
  test.each([['a b', /annotation key name part/], ['a/b/c', /has 2 '\/'/], ['', /empty name part/]])(
    'refuses key %j', (v, reason) => expectRefused(check, v, reason));

  test('256 KiB of keys and values is the most', () => {
    const at = { k: 'v'.repeat(256 * 1024 - 1) };
    const over = { k: 'v'.repeat(256 * 1024) };
    expectAccepted(rules.checkAnnotations, at);
    expectRefused(rules.checkAnnotations, over, /total 262145 bytes, over the 262144/);
  });

  test('sizes count bytes, as Go len() does', () => {
    const multibyte = { k: 'é'.repeat(128 * 1024) }; // 2 bytes each: 262144 + 1 key byte
    expectRefused(rules.checkAnnotations, multibyte, /total 262145 bytes/);
  });
});

describe('ConfigMap and Secret keys (apimachinery IsConfigMapKey)', () => {
  const check: Check = rules.checkConfigMapKey;
  test.each(['config.yaml', '.hidden', 'a-b_c', 'HF_TOKEN', 'a'.repeat(253)])('accepts %j', v => expectAccepted(check, v));
  test.each([
    ['..', /must not be '\.\.'/],
    ['.', /must not be '\.'/],
    ['..a', /must not start with '\.\.'/],
    ['a/b', /letters, digits/],
    ['a b', /letters, digits/],
    ['', /non-empty/],
    ['a'.repeat(254), /at most 253 characters/],
  ])('refuses %j', (v, reason) => expectRefused(check, v, reason));
});

describe('environment variable names (apimachinery IsEnvVarName, strict)', () => {
  const check: Check = rules.checkEnvVarName;
  test.each(['HF_TOKEN', 'my.env-name', '_x', '.x', 'MyEnvName1', 'VLLM_USE_V1'])('accepts %j', v => expectAccepted(check, v));
  test.each([
    ['MY VAR', /letters, digits, '_', '-' and '\.', not starting with a digit/],
    ['1ABC', /not starting with a digit/],
    ['', /must not be empty/],
    ['A=B', /letters, digits/],
    ['..', /must not be '\.\.'/],
    ['..x', /must not start with '\.\.'/],
    ['.', /must not be '\.'/],
    ['HF-TOKEN ', /letters, digits/],
  ])('refuses %j', (v, reason) => expectRefused(check, v, reason));
});

describe('named ports (apimachinery IsValidPortName, IANA_SVC_NAME)', () => {
  const check: Check = rules.checkPortName;
  test.each(['http', 'metrics', 'a1', 'h-2', 'abcdefghijklmno'])('accepts %j', v => expectAccepted(check, v));
  test.each([
    ['HTTP', /lowercase letters, digits and '-'/],
    ['123', /at least one letter/],
    ['a--b', /must not contain '--'/],
    ['-a', /must not start or end with '-'/],
    ['a-', /must not start or end with '-'/],
    ['abcdefghijklmnop', /at most 15 characters/],
    ['', /at least one letter/],
    ['a_b', /lowercase letters, digits and '-'/],
  ])('refuses %j', (v, reason) => expectRefused(check, v, reason));
});

describe('numbers: ports, int32 fields, finite values', () => {
  test.each([1, 8000, 65535])('port %p is accepted', v => expectAccepted(rules.checkPort, v));
  test.each([
    [0, /at least 1/], [65536, /at most 65535/], [-1, /at least 1/], [1.5, /whole number/], [NaN, /finite number, got NaN/], ['80', /got a string/],
  ])('port %p is refused', (v, reason) => expectRefused(rules.checkPort, v, reason));

  test.each([0, 1, 2_147_483_647])('int32 %p is accepted', v => expectAccepted(rules.checkInt32, v));
  test.each([
    [2_147_483_648, /at most 2147483647/], [1e10, /at most 2147483647/], [-1, /at least 0/], [1.5, /whole number/],
    [NaN, /got NaN/], [Infinity, /got Infinity/], [-Infinity, /got -Infinity/], [undefined, /got undefined/],
  ])('int32 %p is refused', (v, reason) => expectRefused(rules.checkInt32, v, reason));

  test('int32 bounds can be narrowed and widened within int32', () => {
    const maxSurge: Check = (s, p, v) => rules.checkInt32(s, p, v, { min: 1, max: 10 });
    expectRefused(maxSurge, 0, /at least 1/);
    expectRefused(maxSurge, 11, /at most 10/);
    const signed: Check = (s, p, v) => rules.checkInt32(s, p, v, { min: rules.INT32_MIN });
    expectAccepted(signed, -2_147_483_648);
    expectRefused(signed, -2_147_483_649, /at least -2147483648/);
  });

  const threshold: Check = (s, p, v) => rules.checkNumber(s, p, v, { min: 0, max: 1, unit: 'ratio' });
  test.each([0, 0.5, 1])('threshold %p is accepted', v => expectAccepted(threshold, v));
  test.each([[NaN, /finite number \(ratio\), got NaN/], [-0.1, /at least 0 ratio/], [1.01, /at most 1 ratio/], [Infinity, /got Infinity/]])(
    'threshold %p is refused', (v, reason) => expectRefused(threshold, v, reason));

  test('exclusive minimum', () => {
    const positive: Check = (s, p, v) => rules.checkNumber(s, p, v, { min: 0, exclusiveMin: true });
    expectRefused(positive, 0, /greater than 0/);
    expectAccepted(positive, 1e-9);
  });
});

describe('quantities (apimachinery resource.ParseQuantity)', () => {
  const check: Check = rules.checkQuantity;
  test.each(['1', '500m', '80Gi', '1.5Ti', '1e3', '1E-3', '+1', '0', '.5', '1.', '100M', '2', 2, 0.5, '7Ei'])(
    'accepts %j', v => expectAccepted(check, v));
  test.each([
    ['1e-9Gi', /both an exponent and a unit suffix/],
    ['.inf', /not a Kubernetes quantity/],
    ['Infinity', /not a Kubernetes quantity/],
    ['NaN', /not a Kubernetes quantity/],
    ['-1', /must not be negative/],
    ['-500m', /must not be negative/],
    ['', /not a Kubernetes quantity/],
    [' 1Gi', /not a Kubernetes quantity/],
    ['1 Gi', /not a Kubernetes quantity/],
    ['1GB', /not a Kubernetes quantity/],
    ['1gi', /not a Kubernetes quantity/],
    ['1e1.5', /not a Kubernetes quantity/],
    ['1Gii', /not a Kubernetes quantity/],
    ['1e30', /larger than the largest quantity/],
    ['8Ei', /larger than the largest quantity/],
    [Infinity, /finite number, got Infinity/],
    [NaN, /finite number, got NaN/],
    [null, /must be a string/],
  ])('refuses %j', (v, reason) => expectRefused(check, v, reason));

  test('negatives and zero by option', () => {
    expectAccepted((s, p, v) => rules.checkQuantity(s, p, v, { allowNegative: true }), '-1');
    expectRefused((s, p, v) => rules.checkQuantity(s, p, v, { allowZero: false }), '0', /greater than zero/);
  });

  test.each([
    [80, '80Gi'], [1.5, '1536Mi'], [0.5, '512Mi'], [1e-9, '1Ki'], [1.1, '1153434Ki'], [1024, '1024Gi'], [8_589_934_591, '8589934591Gi'],
  ])('renderGiB(%p) = %j, a valid quantity without exponent', (gib, text) => {
    const problems = new Problems('c');
    const out = rules.renderGiB(problems, 'memoryGiB', gib);
    expect(out).toBe(text);
    expect(problems.list).toEqual([]);
    expect(out).not.toMatch(/e/i);
    expectAccepted(rules.checkQuantity, out);
    // Never less than asked for: rounding is upward.
    expect(rules.quantityValue(out!)!).toBeGreaterThanOrEqual(gib * 2 ** 30);
  });

  test.each([[NaN, /got NaN/], [Infinity, /got Infinity/], [-5, /greater than 0/], [0, /greater than 0/], [8_589_934_593, /at most/], ['80', /got a string/]])(
    'renderGiB(%p) records a problem and renders nothing', (gib, reason) => {
      const problems = new Problems('c');
      expect(rules.renderGiB(problems, 'cache.sizeGiB', gib)).toBeUndefined();
      expect(problems.list).toHaveLength(1);
      expect(problems.list[0].reason).toMatch(reason);
    });

  test.each([[4, '4'], [0.25, '250m'], [1.0001, '1001m'], [96, '96']])('renderDecimal(%p) = %j', (n, text) => {
    const problems = new Problems('c');
    expect(rules.renderDecimal(problems, 'cpu', n)).toBe(text);
    expectAccepted(rules.checkQuantity, text);
  });

  test.each([Infinity, NaN, -1, 0])('renderDecimal(%p) records a problem (cpu: Infinity once rendered ".inf")', n => {
    const problems = new Problems('c');
    expect(rules.renderDecimal(problems, 'cpu', n)).toBeUndefined();
    expect(problems.list).toHaveLength(1);
  });

  test('renderGiB honours an inclusive minimum', () => {
    const problems = new Problems('c');
    expect(rules.renderGiB(problems, 'sizeGiB', 0, { min: 0, inclusiveMin: true })).toBe('0Gi');
    expect(rules.renderGiB(problems, 'sizeGiB', 0.5, { min: 1, inclusiveMin: true })).toBeUndefined();
    expect(problems.list[0].reason).toMatch(/at least 1 GiB/);
  });
});

describe('Go durations (time.ParseDuration: metav1.Duration, Argo Rollouts DurationString)', () => {
  const NS = { ns: 1n, us: 1000n, ms: 1_000_000n, s: 1_000_000_000n, m: 60_000_000_000n, h: 3_600_000_000_000n };
  test.each<[string, bigint | undefined]>([
    ['0', 0n], ['-0', 0n], ['1h30m', 90n * NS.m], ['1.5h', 90n * NS.m], ['-1s', -NS.s], ['+5s', 5n * NS.s], ['300ms', 300n * NS.ms],
    ['1us', NS.us], ['1\u00b5s', NS.us], ['1\u03bcs', NS.us], ['1ns', 1n], ['.5s', 500n * NS.ms], ['5.s', 5n * NS.s], ['1h1h', 2n * NS.h],
    ['2562047h47m16.854775807s', (1n << 63n) - 1n], ['-2562047h47m16.854775808s', -(1n << 63n)],
    ['', undefined], ['1', undefined], ['1d', undefined], ['h', undefined], ['1h1', undefined], ['.s', undefined], ['1e3s', undefined],
    ['2562047h47m16.854775808s', undefined], ['9223372036854775808ns', undefined], ['1H', undefined], [' 1s', undefined], ['1s ', undefined],
  ])('parseGoDuration(%j) = %p', (text, ns) => expect(rules.parseGoDuration(text)).toBe(ns));

  const check: Check = (s, p, v) => rules.checkDuration(s, p, v, 'kubernetes');
  test.each(['5m', '1h30m', '0'])('accepts %j', v => expectAccepted(check, v));
  test.each([['5 minutes', /not a Kubernetes duration/], ['', /not a Kubernetes duration/], [300, /got a number/]])(
    'refuses %j', (v, reason) => expectRefused(check, v, reason));
});

describe('Gateway API durations (GEP-2257: ^([0-9]{1,5}(h|m|s|ms)){1,4}$)', () => {
  const check: Check = (s, p, v) => rules.checkDuration(s, p, v, 'gateway');
  test.each(['1h', '1h30m', '500ms', '99999h', '1h1m1s1ms', '0s'])('accepts %j', v => expectAccepted(check, v));
  test.each([
    ['120000h', /not a Gateway API duration/], // days(5000) once rendered this way
    ['1.5h', /not a Gateway API duration/], ['1d', /not a Gateway API duration/], ['', /not a Gateway API duration/],
    ['1h1m1s1ms1h', /not a Gateway API duration/], ['1H', /not a Gateway API duration/], ['0', /not a Gateway API duration/],
  ])('refuses %j', (v, reason) => expectRefused(check, v, reason));
});

describe('Prometheus durations (prometheus/common model.ParseDuration)', () => {
  const maxMs = ((1n << 63n) - 1n) / 1_000_000n; // 9223372036854 ms
  test.each<[string, bigint | undefined]>([
    ['0', 0n], ['1h30m', 5_400_000_000_000n], ['5m', 300_000_000_000n], ['1d', 86_400_000_000_000n],
    ['1y2w3d4h5m6s7ms', ((((((365n + 14n + 3n) * 24n + 4n) * 60n + 5n) * 60n + 6n) * 1000n) + 7n) * 1_000_000n],
    ['', undefined], ['30m1h', undefined], ['1h1h', undefined], ['1.5h', undefined], ['-1m', undefined], ['1us', undefined],
    ['1e3s', undefined], ['5', undefined], [`${maxMs + 1n}ms`, undefined], [`${maxMs}ms`, maxMs * 1_000_000n],
  ])('parsePrometheusDuration(%j) = %p', (text, ns) => expect(rules.parsePrometheusDuration(text)).toBe(ns));

  const check: Check = (s, p, v) => rules.checkDuration(s, p, v, 'prometheus');
  test.each(['5m', '1h30m', '0', '2w'])('accepts %j', v => expectAccepted(check, v));
  test.each([['30m1h', /biggest first/], ['1.5m', /not a Prometheus duration/], [undefined, /got undefined/]])(
    'refuses %j', (v, reason) => expectRefused(check, v, reason));
});

describe('renderDuration: one millisecond count, each consumer\'s grammar', () => {
  const day = 86_400_000;
  test.each<[number, rules.DurationGrammar, string | undefined]>([
    [5_400_000, 'gateway', '1h30m'], [5_400_000, 'kubernetes', '1h30m'], [5_400_000, 'prometheus', '1h30m'], [5_400_000, 'argo', '1h30m'],
    [0, 'gateway', '0s'], [0, 'prometheus', '0s'], [250, 'gateway', '250ms'], [90_061_001, 'gateway', '25h1m1s1ms'],
    [5000 * day, 'gateway', undefined], // requestTimeout: days(5000) rendered 120000h before
    [5000 * day, 'kubernetes', '120000h'], [5000 * day, 'prometheus', '13y36w3d'],
    [rules.GATEWAY_DURATION_MAX_MS, 'gateway', '99999h99999m99999s99999ms'],
    [100_000 * 3_600_000, 'gateway', '99999h60m'],
    [1.5, 'gateway', undefined], [-1, 'kubernetes', undefined], [NaN, 'prometheus', undefined], [Infinity, 'argo', undefined],
  ])('%p ms as %s = %j', (ms, grammar, text) => {
    const problems = new Problems('c');
    const out = rules.renderDuration(problems, 'timeout', ms, grammar);
    expect(out).toBe(text);
    expect(problems.list).toHaveLength(text === undefined ? 1 : 0);
    if (out !== undefined) {
      expect(rules.isDuration(out, grammar)).toBe(true);
      const ns = grammar === 'prometheus' ? rules.parsePrometheusDuration(out) : rules.parseGoDuration(out);
      expect(ns).toBe(BigInt(ms) * 1_000_000n);
    }
  });
});

describe('Argo Rollouts pause durations (RolloutPause.DurationSeconds)', () => {
  const check: Check = rules.checkArgoPauseDuration;
  test.each([0, 10, '10', '10s', '1h', '1ms', 2_147_483_647])('accepts %j', v => expectAccepted(check, v));
  test.each([
    [-1, /0 to 2147483647/], ['-1', /0 to 2147483647/], ['20000000000', /0 to 2147483647/], ['1z', /neither a number of seconds nor a Go duration/],
    [1.5, /whole number of seconds/], [NaN, /whole number of seconds/], ['-5s', /0 to 2147483647/], [{}, /got an object/],
  ])('refuses %j', (v, reason) => expectRefused(check, v, reason));
});

describe('image references (distribution/reference v0.6.0 as the kubelet parses them)', () => {
  const check: Check = rules.checkImageReference;
  test.each([
    'vllm/vllm-openai:v0.9.2', 'ubuntu', 'ghcr.io/acme/server:1.0.0', 'localhost:5000/x', '[::1]:5000/x:y', `a/b@sha256:${hex64}`,
    `a/b:t@sha256:${hex64}`, 'nvcr.io/nvidia/k8s-device-plugin:v0.17.0', 'a__b', 'a---b', 'a.b_c', 'Registry.Example.com/a:B_1',
    `ghcr.io/${'a'.repeat(255)}`, `a@sha512:${'b'.repeat(128)}`,
  ])('accepts %j', v => expectAccepted(check, v));
  test.each([
    ['vllm/vllm openai:v1', /must not contain whitespace/],
    ['VLLM/Server:v1', /must be lowercase/],
    ['repo:v1:v2', /at most one ":tag"/],
    ['', /must not be empty/],
    ['a:', /the tag must be/],
    ['a:.tag', /the tag must be/],
    ['a:-tag', /the tag must be/],
    [`a:${'t'.repeat(129)}`, /the tag must be/],
    ['a@sha256:abc', /not an image reference/],
    [`a@md5:${'a'.repeat(32)}`, /digest algorithm "md5"/],
    [`a@sha256:${'A'.repeat(64)}`, /64 lowercase hex/],
    [`a@sha256:${'a'.repeat(63)}0`.slice(0, -1) + 'g', /not an image reference/],
    [hex64, /image ID/],
    ['a//b', /not an image reference/],
    ['a/', /not an image reference/],
    ['/a', /not an image reference/],
    [`ghcr.io/${'a'.repeat(256)}`, /256 characters, over the 255/],
    [`${'a'.repeat(250)}`, /"library\/a+" is 258 characters/],
    [' ubuntu', /whitespace/],
    [42, /must be a string/],
  ])('refuses %j', (v, reason) => expectRefused(check, v, reason));

  test('parses domain, path, tag and digest as splitDockerDomain does', () => {
    expect(rules.parseImageReference('vllm/vllm-openai:v0.9.2')).toEqual({ path: 'vllm/vllm-openai', tag: 'v0.9.2' });
    expect(rules.parseImageReference('localhost/x')).toEqual({ domain: 'localhost', path: 'x' });
    expect(rules.parseImageReference(`ghcr.io:443/a/b:c@sha256:${hex64}`)).toEqual({ domain: 'ghcr.io:443', path: 'a/b', tag: 'c', digest: `sha256:${hex64}` });
  });

  test.each([['v0.9.2', true], ['0.9.2-cu126', true], ['latest', true], ['+cu126', false], ['.x', false], ['-x', false], ['a b', false], ['t'.repeat(129), false]])(
    'tag %j valid: %p', (tag, valid) => {
      const { ok } = run(rules.checkImageTag, tag);
      expect(ok).toBe(valid);
    });
});

describe('URLs (http/https with a host)', () => {
  const check: Check = rules.checkHttpUrl;
  test.each(['https://runbooks.example.com/llm', 'http://10.0.0.1:8080/x', 'https://example.com/a?b=c#d'])('accepts %j', v => expectAccepted(check, v));
  test.each([
    ['javascript:alert(1)', /scheme "javascript" is not http or https/],
    ['JavaScript:alert(1)', /scheme "javascript"/],
    ['data:text/html,x', /scheme "data"/],
    ['file:///etc/passwd', /scheme "file"/],
    ['ftp://example.com', /scheme "ftp"/],
    ['mailto:a@b.c', /scheme "mailto"/],
    ['/relative', /not an absolute URL/],
    ['https://', /not an absolute URL/],
    ['https://user:pw@example.com', /credentials/],
    ['https://example.com/a b', /whitespace/],
    [' https://example.com', /whitespace/],
    ['', /not an absolute URL/],
    [undefined, /got undefined/],
  ])('refuses %j', (v, reason) => expectRefused(check, v, reason));
});

describe('suggestions are valid names', () => {
  const inputs = ['LLM', 'llm_prod', 'GPU Ops', 'Team A', '', '---', '70B', '0.9.2+cu126', 'HF_Token', 'a'.repeat(300), 'É', '..', 'a--b', '-x-'];
  test.each(inputs)('for %j', input => {
    expectAccepted(rules.checkDns1123Label, rules.suggestDns1123Label(input));
    expectAccepted(rules.checkDns1035Label, rules.suggestDns1035Label(input));
    expectAccepted(rules.checkDns1123Subdomain, rules.suggestDns1123Subdomain(input));
    expectAccepted(rules.checkLabelValue, rules.suggestLabelValue(input));
    expectAccepted(rules.checkLabelKey, rules.suggestLabelKey(input));
    expectAccepted(rules.checkEnvVarName, rules.suggestEnvVarName(input));
    expectAccepted(rules.checkPortName, rules.suggestPortName(input));
  });

  test('a short maximum is honoured', () => {
    expect(rules.suggestDns1123Label('Llama 3.1 70B Instruct', 10)).toBe('llama-3-1');
    expect(rules.suggestDns1035Label('70b', 63)).toBe('m-70b');
  });
});
