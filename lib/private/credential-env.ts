/**
 * Environment variables whose names say they hold a credential. A literal value for one lands in
 * the Deployment's pod template in plain text: readable by everyone who can `get` the Deployment
 * (or its ReplicaSets and Pods), kept in Git with the manifests, and in every rendered plan.
 * A Secret reference keeps the value out of all of them. modelship refuses the literal and names
 * the reference to use instead.
 *
 * Names matched (case-insensitive): ending in `_TOKEN`, `_KEY` or `_SECRET` (or exactly `TOKEN`,
 * `KEY`, `SECRET`), containing `PASSWORD` or `PASSWD`, and every `AWS_*` name but the SDK settings
 * that are not secrets (region, endpoints, the role ARN and web-identity token file path that IRSA
 * itself sets). This is modelship policy, not an API server rule; the list of AWS settings is from
 * the AWS SDKs' environment variable reference and is deliberately short.
 */
import { ProblemSink, report } from './api-rules';

const AWS_SETTINGS: ReadonlySet<string> = new Set([
  'AWS_REGION', 'AWS_DEFAULT_REGION', 'AWS_ENDPOINT_URL', 'AWS_ENDPOINT_URL_S3', 'AWS_ENDPOINT_URL_STS', 'AWS_STS_REGIONAL_ENDPOINTS',
  'AWS_ROLE_ARN', 'AWS_ROLE_SESSION_NAME', 'AWS_WEB_IDENTITY_TOKEN_FILE', 'AWS_CA_BUNDLE', 'AWS_MAX_ATTEMPTS', 'AWS_RETRY_MODE',
  'AWS_USE_FIPS_ENDPOINT', 'AWS_USE_DUALSTACK_ENDPOINT', 'AWS_S3_US_EAST_1_REGIONAL_ENDPOINT',
]);

/** Why a variable of this name looks like a credential, or undefined. */
export function credentialReason(name: string): string | undefined {
  const upper = name.toUpperCase();
  if (/(^|_)(TOKEN|KEY|SECRET)$/.test(upper)) return `its name ends in ${upper.match(/(TOKEN|KEY|SECRET)$/)![0]}`;
  if (/PASSWORD|PASSWD/.test(upper)) return 'its name contains PASSWORD';
  if (upper.startsWith('AWS_') && !AWS_SETTINGS.has(upper)) return 'AWS_* variables carry AWS credentials';
  return undefined;
}

/**
 * Refuses a literal value for a credential-like variable. `fix` names how to pass it by reference
 * where the caller is (a service's `secretEnv`, a model's `tokenSecret`).
 */
export function checkNoLiteralCredential(sink: ProblemSink, property: string, name: string, fix: string): boolean {
  const why = credentialReason(name);
  if (why === undefined) return true;
  return report(sink, property, '(value hidden)', [`looks like a credential (${why}): a literal value would sit in plain text in the Deployment, its Git history and the plan`], fix);
}
