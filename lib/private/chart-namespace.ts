import { Chart } from 'cdk8s';
import { IConstruct } from 'constructs';
import { checkDns1123Label, ProblemSink, report } from './api-rules';

/**
 * The namespace of a construct's chart, checked as the API server checks a Namespace name
 * (kubernetes pkg/apis/core/validation `ValidateNamespaceName`: a DNS-1123 label). cdk8s stamps it
 * on every object of the chart, and modelship writes it into URLs, NetworkPolicy and
 * ServiceMonitor selectors, so a bad one breaks every object at apply time.
 *
 * No namespace (undefined) is fine: the objects go to the namespace `kubectl` or Pulumi applies
 * them to. An empty string is refused: cdk8s would write `namespace: ""` on every object while
 * modelship's selectors and URLs would name an empty namespace.
 */
export function checkChartNamespace(sink: ProblemSink, scope: IConstruct): boolean {
  const namespace: unknown = Chart.of(scope).namespace;
  if (namespace === undefined) return true;
  if (namespace === '') {
    return report(sink, 'namespace', namespace, ["the chart's namespace is an empty string, which no object can live in"],
      'give the chart a namespace, e.g. new Chart(app, "llm", { namespace: "llm" }), or leave it out for the default namespace');
  }
  // The user gave it to the Chart, not to this construct: say so in the reason and the fix.
  return checkDns1123Label({
    add: (property, value, reason, fix) => sink.add(property, value, `the chart's namespace ${reason}`, `${fix} as the Chart's namespace`),
  }, 'namespace', namespace);
}
