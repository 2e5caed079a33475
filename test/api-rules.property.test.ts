/**
 * Fuzzing the rules (issue 11, item 8): generated API-invalid and edge strings, numbers and durations
 * go through lib/private/api-rules and through the independent test-side port of the upstream Go code
 * (test/support/api-server-formats.ts), and the two must agree: the lib never accepts what the API
 * server (kubelet, controller) refuses, and refuses nothing it accepts, except where the lib is
 * stricter on purpose (noted per property). Gateway and Prometheus durations are checked against the
 * patterns of the vendored CRDs themselves.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as fc from 'fast-check';
import * as YAML from 'yaml';
import * as F from './support/api-server-formats';
import * as rules from '../lib/private/api-rules';

const RUNS = { numRuns: 3000, seed: 20261211 };

/** Does the lib rule accept the value? (A throwaway sink: the rule must also never throw.) */
const libOk = (check: (s: rules.ProblemSink, p: string, v: unknown) => boolean, v: unknown) => check(new rules.CollectingSink(), 'p', v);

// Characters that matter to these grammars, and some that never belong.
const NAME_CHARS = [...'abcxyz09', '-', '.', '_', 'A', 'Z', ' ', '/', ':', '@', '+', '%', '\u00e9', '\n'];
const nameChar = fc.constantFrom(...NAME_CHARS);
const text = (maxLength: number) => fc.string({ unit: nameChar, maxLength });
/** Strings of exactly n characters around a limit (62-64, 252-254), mostly valid characters. */
const atLength = (n: number) => fc.string({ unit: fc.constantFrom('a', 'b', '0', '-', '.', 'A'), minLength: n, maxLength: n });
const nameArb = fc.oneof(text(12), text(70), atLength(62), atLength(63), atLength(64), atLength(253), atLength(254),
  fc.constantFrom('LLM', 'llm_prod', '', 'GPU Ops', 'Team A', 'HF_Token', 'EFS SC', '0.9.2+cu126', '..', '.', '-a', 'a-', 'a..b'));

function agree(lib: (s: rules.ProblemSink, p: string, v: unknown) => boolean, upstream: (v: string) => string[], arb: fc.Arbitrary<string> = nameArb): void {
  fc.assert(fc.property(arb, v => {
    expect({ v, ok: libOk(lib, v) }).toEqual({ v, ok: upstream(v).length === 0 });
  }), RUNS);
}

describe('names, labels, keys: lib and the apimachinery port agree on every string', () => {
  test('DNS-1123 label', () => agree(rules.checkDns1123Label, F.IsDNS1123Label));
  test('DNS-1123 subdomain', () => agree(rules.checkDns1123Subdomain, F.IsDNS1123Subdomain));
  test('DNS-1035 label', () => agree(rules.checkDns1035Label, F.IsDNS1035Label));
  const keyArb = fc.oneof(nameArb, fc.tuple(nameArb, nameArb).map(([a, b]) => `${a}/${b}`));
  test('label key', () => agree(rules.checkLabelKey, F.IsQualifiedName, keyArb));
  test('annotation key (case-insensitive)', () => agree(rules.checkAnnotationKey, k => F.IsQualifiedName(k.toLowerCase()), keyArb));
  test('label value', () => agree(rules.checkLabelValue, F.IsValidLabelValue));
  test('ConfigMap key', () => agree(rules.checkConfigMapKey, F.IsConfigMapKey));
  test('env var name', () => agree(rules.checkEnvVarName, F.IsEnvVarName));
  test('port name', () => agree(rules.checkPortName, F.IsValidPortName, fc.oneof(nameArb, text(16))));

  test('every suggestion is valid for the upstream rule', () => {
    fc.assert(fc.property(nameArb, v => {
      expect(F.IsDNS1123Label(rules.suggestDns1123Label(v))).toEqual([]);
      expect(F.IsDNS1035Label(rules.suggestDns1035Label(v))).toEqual([]);
      expect(F.IsDNS1123Subdomain(rules.suggestDns1123Subdomain(v))).toEqual([]);
      expect(F.IsQualifiedName(rules.suggestLabelKey(v))).toEqual([]);
      expect(F.IsValidLabelValue(rules.suggestLabelValue(v))).toEqual([]);
      expect(F.IsEnvVarName(rules.suggestEnvVarName(v))).toEqual([]);
      expect(F.IsValidPortName(rules.suggestPortName(v))).toEqual([]);
    }), RUNS);
  });

  test('a derived-name fix leaves room for every derived name', () => {
    fc.assert(fc.property(nameArb, fc.constantFrom('-model-cache', '-canary', '-canary-error-ratio'), (v, suffix) => {
      const sink = new rules.CollectingSink();
      if (rules.checkDns1123Label(sink, 'name', v, { derived: [`${v}${suffix}`] })) {
        expect(F.IsDNS1123Label(`${v}${suffix}`)).toEqual([]);
        return;
      }
      const suggestion = /like "([^"]+)"/.exec(sink.found[0].fix)![1];
      expect(F.IsDNS1123Label(suggestion)).toEqual([]);
      expect(F.IsDNS1123Label(`${suggestion}${suffix}`)).toEqual([]);
    }), RUNS);
  });
});

describe('numbers', () => {
  const numberArb = fc.oneof(
    fc.integer({ min: -3, max: 70000 }), fc.double(), fc.constantFrom(NaN, Infinity, -Infinity, 1e10, 2 ** 31, 2 ** 31 - 1, -(2 ** 31), -(2 ** 31) - 1, 0.5, -0, 65535, 65536, 1e-9),
  );
  test('ports agree with IsValidPortNum', () => {
    fc.assert(fc.property(numberArb, n => expect(libOk(rules.checkPort, n)).toBe(F.IsValidPortNum(n).length === 0)), RUNS);
  });
  test('int32 fields: the lib accepts exactly the whole numbers that fit', () => {
    fc.assert(fc.property(numberArb, n => {
      const fits = Number.isInteger(n) && n >= -(2 ** 31) && n <= 2 ** 31 - 1;
      expect(libOk((s, p, v) => rules.checkInt32(s, p, v, { min: rules.INT32_MIN }), n)).toBe(fits);
    }), RUNS);
  });
});

describe('quantities', () => {
  const QCHARS = [...'0123456789', '.', '+', '-', 'e', 'E', 'i', 'n', 'u', 'm', 'k', 'K', 'M', 'G', 'T', 'P', ' ', 'x'];
  const fuzz = fc.string({ unit: fc.constantFrom(...QCHARS), maxLength: 10 });
  const suffix = fc.constantFrom('', 'Ki', 'Mi', 'Gi', 'Ti', 'Pi', 'Ei', 'n', 'u', 'm', 'k', 'M', 'G', 'T', 'P', 'E', 'e3', 'E-2', 'e+1');
  const wellFormed = fc.tuple(fc.constantFrom('', '+', '-'), fc.nat({ max: 99999 }), fc.option(fc.nat({ max: 999 })), suffix)
    .map(([s, i, f, suf]) => `${s}${i}${f === null ? '' : `.${f}`}${suf}`);

  test('whatever the lib accepts, ParseQuantity accepts (the lib is stricter: no "+", ".", capped values)', () => {
    fc.assert(fc.property(fc.oneof(fuzz, wellFormed), q => {
      if (libOk((s, p, v) => rules.checkQuantity(s, p, v, { allowNegative: true }), q)) {
        const parsed = F.ParseQuantity(q);
        expect({ q, parsed: parsed.ok }).toEqual({ q, parsed: true });
      }
    }), RUNS);
  });

  test('well-formed quantities below 2^63 are accepted by both', () => {
    fc.assert(fc.property(wellFormed, q => {
      const parsed = F.ParseQuantity(q);
      expect(parsed.ok).toBe(true);
      if (parsed.ok && Math.abs(parsed.approx) < 2 ** 62) expect({ q, ok: libOk((s, p, v) => rules.checkQuantity(s, p, v, { allowNegative: true }), q) }).toEqual({ q, ok: true });
    }), RUNS);
  });

  test('the lib refuses what ParseQuantity would read as negative, unless asked', () => {
    fc.assert(fc.property(fc.oneof(fuzz, wellFormed), q => {
      const parsed = F.ParseQuantity(q);
      if (parsed.ok && parsed.negative) expect(libOk(rules.checkQuantity, q)).toBe(false);
    }), RUNS);
  });

  test('renderGiB: any number either renders a quantity ParseQuantity reads as at least that many bytes, or is refused', () => {
    fc.assert(fc.property(fc.oneof(fc.double(), fc.double({ min: 0, max: 1e6, noNaN: true }), fc.constantFrom(1e-9, 1.1, 1536 / 1024, 1e10, -5, 0)), gib => {
      const sink = new rules.CollectingSink();
      const out = rules.renderGiB(sink, 'memoryGiB', gib);
      if (out === undefined) {
        expect(sink.found).toHaveLength(1);
        return;
      }
      const parsed = F.ParseQuantity(out);
      expect(parsed.ok && !parsed.negative && !parsed.zero).toBe(true);
      if (parsed.ok) expect(parsed.approx).toBeGreaterThanOrEqual(gib * 2 ** 30);
      expect(out).not.toMatch(/e/i);
    }), RUNS);
  });

  test('renderDecimal: rendered or refused, never exponent notation', () => {
    fc.assert(fc.property(fc.oneof(fc.double(), fc.double({ min: 0, max: 1e4, noNaN: true })), cores => {
      const out = rules.renderDecimal(new rules.CollectingSink(), 'cpu', cores);
      if (out === undefined) return;
      const parsed = F.ParseQuantity(out);
      expect(parsed.ok && parsed.approx >= cores).toBe(true);
      expect(out).not.toMatch(/e/i);
    }), RUNS);
  });
});

describe('durations', () => {
  const crdPattern = (file: string, find: (doc: any) => string): RegExp =>
    new RegExp(find(YAML.parse(fs.readFileSync(path.join(__dirname, '..', 'vendor', 'crds', file), 'utf8'))));
  const v1 = (crd: any) => crd.spec.versions.find((v: any) => v.storage).schema.openAPIV3Schema;
  const GATEWAY = crdPattern('gateway.networking.k8s.io_httproutes.yaml', crd => v1(crd).properties.spec.properties.rules.items.properties.timeouts.properties.request.pattern);
  const PROMETHEUS = crdPattern('monitoring.coreos.com_prometheusrules.yaml', crd => v1(crd).properties.spec.properties.groups.items.properties.rules.items.properties.for.pattern);

  const DCHARS = [...'0123456789', '.', '-', '+', 'h', 'm', 's', 'n', 'u', '\u00b5', 'd', 'w', 'y', ' ', 'H'];
  const fuzz = fc.string({ unit: fc.constantFrom(...DCHARS), maxLength: 12 });
  const composed = fc.array(fc.tuple(fc.nat({ max: 200000 }), fc.constantFrom('h', 'm', 's', 'ms', 'us', 'ns', 'd', 'w', 'y')), { minLength: 1, maxLength: 5 })
    .map(parts => parts.map(([n, u]) => `${n}${u}`).join(''));
  const durationArb = fc.oneof(fuzz, composed, fc.constantFrom('0', '', '-0', '2562047h47m16.854775807s', '2562047h47m16.854775808s', '120000h', '1.5h', '.5s'));

  test('Go durations: the lib parses exactly what time.ParseDuration parses, to the same nanosecond', () => {
    fc.assert(fc.property(durationArb, d => {
      const upstream = F.ParseDuration(d);
      expect({ d, ns: rules.parseGoDuration(d) }).toEqual({ d, ns: typeof upstream === 'string' ? undefined : upstream });
    }), RUNS);
  });

  test('Gateway API durations: the lib accepts exactly what the vendored HTTPRoute CRD pattern accepts', () => {
    fc.assert(fc.property(durationArb, d => expect({ d, ok: rules.isDuration(d, 'gateway') }).toEqual({ d, ok: GATEWAY.test(d) })), RUNS);
  });

  test('Prometheus durations: what the lib accepts matches the PrometheusRule CRD pattern (the lib also refuses "" and overflow)', () => {
    fc.assert(fc.property(durationArb, d => {
      if (rules.isDuration(d, 'prometheus')) expect({ d, ok: PROMETHEUS.test(d) }).toEqual({ d, ok: true });
      else expect({ d, ok: PROMETHEUS.test(d) && d !== '' && rules.parsePrometheusDuration(d) !== undefined }).toEqual({ d, ok: false });
    }), RUNS);
  });

  test('renderDuration: every millisecond count renders in each grammar, or is refused', () => {
    const msArb = fc.oneof(fc.nat(), fc.integer({ min: -5, max: 10 }), fc.double(), fc.constantFrom(5000 * 86_400_000, rules.GATEWAY_DURATION_MAX_MS, rules.GATEWAY_DURATION_MAX_MS + 1, 2 ** 53));
    fc.assert(fc.property(msArb, ms => {
      for (const grammar of ['kubernetes', 'gateway', 'prometheus', 'argo'] as const) {
        const out = rules.renderDuration(new rules.CollectingSink(), 'd', ms, grammar);
        if (out === undefined) continue;
        if (grammar === 'gateway') expect({ out, ok: GATEWAY.test(out) }).toEqual({ out, ok: true });
        if (grammar === 'prometheus') expect({ out, ok: PROMETHEUS.test(out) }).toEqual({ out, ok: true });
        if (grammar === 'kubernetes' || grammar === 'argo' || grammar === 'gateway') expect(F.ParseDuration(out)).toBe(BigInt(ms) * 1_000_000n);
      }
    }), RUNS);
  });

  test('Argo pause durations agree with RolloutPause.DurationSeconds', () => {
    const pauseArb = fc.oneof(durationArb, fc.integer({ min: -5, max: 100 }).map(String), fc.constantFrom('20000000000', '2147483647', '2147483648'));
    fc.assert(fc.property(pauseArb, d => {
      expect({ d, ok: libOk(rules.checkArgoPauseDuration, d) }).toEqual({ d, ok: F.RolloutPauseDurationSeconds(d) >= 0 });
    }), RUNS);
  });
});

describe('image references: lib and the ParseNormalizedNamed port agree', () => {
  const IMG = [...'abz09', '-', '_', '.', '/', ':', '@', 'A', ' ', '['];
  const hex = (n: number) => fc.string({ unit: fc.constantFrom(...'0123456789abcdef'), minLength: n, maxLength: n });
  const piece = fc.string({ unit: fc.constantFrom(...IMG), maxLength: 14 });
  const ref = fc.oneof(
    piece,
    fc.tuple(fc.constantFrom('', 'ghcr.io/', 'localhost:5000/', 'Reg.io/', '[::1]:5000/', 'a_b.com/', 'docker.io/'), piece, fc.constantFrom('', ':v1', ':v1:v2', ':.x', ':-x', ':0.9.2+cu126'), fc.option(hex(64)))
      .map(([d, p, t, h]) => `${d}${p}${t}${h === null ? '' : `@sha256:${h}`}`),
    fc.constantFrom('vllm/vllm openai:v1', 'VLLM/Server:v1', 'repo:v1:v2', 'vllm/vllm-openai:vv0.9.2', '', 'a'.repeat(64), `${'a'.repeat(250)}`),
  );
  test('valid for one exactly when valid for the other', () => {
    fc.assert(fc.property(ref, r => {
      expect({ r, ok: libOk(rules.checkImageReference, r) }).toEqual({ r, ok: F.ParseNormalizedNamed(r).length === 0 });
    }), RUNS);
  });
});
