/**
 * Links modelship writes into objects people click (alert `runbook_url` annotations, dashboard links).
 *
 * Only absolute http(s) URLs with a host are accepted: a `javascript:` or `data:` URL in a runbook link
 * runs in the browser of whoever opens the alert, and a relative or host-less URL leads nowhere.
 * Parsing follows the WHATWG URL Standard (Node's `URL`, the parser browsers use for the link);
 * Alertmanager and Grafana pass the annotation through unchanged. Credentials (`user:pass@`) are
 * refused because annotations are readable by everyone who can read the PrometheusRule.
 */
import { ProblemSink, describeType, report } from './sink';

/** Checks an absolute http(s) URL with a host. */
export function checkHttpUrl(sink: ProblemSink, property: string, value: unknown): boolean {
  const fix = 'give an absolute URL like "https://runbooks.example.com/llm"';
  if (typeof value !== 'string') return report(sink, property, value, [`a URL must be a string, got ${describeType(value)}`], fix);
  // eslint-disable-next-line no-control-regex
  if (/[\s\u0000-\u001f\u007f]/.test(value)) return report(sink, property, value, ['a URL must not contain whitespace or control characters'], fix);
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return report(sink, property, value, ['is not an absolute URL'], fix);
  }
  const reasons: string[] = [];
  if (url.protocol !== 'http:' && url.protocol !== 'https:') reasons.push(`scheme "${url.protocol.replace(/:$/, '')}" is not http or https`);
  else if (url.hostname === '') reasons.push('has no host');
  if (url.username !== '' || url.password !== '') reasons.push('must not carry credentials (user:password@)');
  return report(sink, property, value, reasons, fix);
}
