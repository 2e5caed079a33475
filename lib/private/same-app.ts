import { IConstruct } from 'constructs';
import { ProblemSink, report } from './api-rules';

/**
 * Whether `other` (a pool, a service) belongs to the same cdk8s App as `scope`. Constructs of two
 * Apps never synthesize together: the cross-construct checks (GPU budgets, name and object
 * collisions) and the objects of one never see the other, so a service on a pool of another App
 * would escape the pool's GPU limit, and a canary or monitoring stack would reference objects
 * written somewhere else.
 */
export function checkSameApp(sink: ProblemSink, property: string, scope: IConstruct, other: IConstruct): boolean {
  if (other.node.root === scope.node.root) return true;
  return report(sink, property, other.node.path, [`${other.node.path} belongs to another cdk8s App than ${scope.node.path}, so the two are never synthesized or checked together`],
    'create both in the same App (charts of one App may hold them in different namespaces)');
}
