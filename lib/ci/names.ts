import { checkDnsLabel, Problems } from '../errors';

// Everything a user names in a pipeline ends up in a shell command, a YAML key or a Groovy
// string: it is checked against a conservative grammar instead of being quoted three ways.

/** A Kubernetes object or namespace name (DNS-1123 label). */
export function checkName(problems: Problems, property: string, value: unknown): void {
  if (typeof value !== 'string') {
    problems.add(property, value, 'must be a string', 'give a DNS-1123 label such as "llm"');
    return;
  }
  checkDnsLabel(problems, property, value);
}

/** A git branch name, as far as the pipelines use it: no spaces, quotes or shell characters. */
export function checkBranch(problems: Problems, property: string, value: unknown): void {
  if (typeof value !== 'string' || !/^[A-Za-z0-9][A-Za-z0-9._/-]*$/.test(value) || value.includes('..') || value.endsWith('/') || value.endsWith('.lock')) {
    problems.add(property, value, 'not a branch name the pipelines can use (letters, digits, ".", "_", "-", "/"; no "..")', 'use a branch such as "main"');
  }
}

/** A relative path inside the repository (`dist`, `clusters/prod/llm`). */
export function checkRelativePath(problems: Problems, property: string, value: unknown): void {
  if (typeof value !== 'string' || !/^[A-Za-z0-9_][A-Za-z0-9._/-]*$/.test(value) || value.split('/').some(p => p === '..' || p === '.' || p === '') || value.endsWith('/')) {
    problems.add(property, value, 'not a relative path inside the repository (letters, digits, ".", "_", "-", "/"; no "..", no leading or trailing "/")', 'use a path such as "clusters/production/llm"');
  }
}

/** A duration as kubectl reads it, in whole seconds, minutes or hours (`90s`, `45m`, `2h`). */
export function checkTimeout(problems: Problems, property: string, value: unknown): void {
  if (typeof value !== 'string' || !/^[1-9][0-9]*(s|m|h)$/.test(value)) {
    problems.add(property, value, 'not a duration kubectl reads (a whole number of s, m or h)', 'use e.g. "30m"');
  }
}

/** An environment variable, secret or credential name (`KUBECONFIG`, `kubeconfig-production`). */
export function checkSecretName(problems: Problems, property: string, value: unknown): void {
  if (typeof value !== 'string' || !/^[A-Za-z_][A-Za-z0-9_-]*$/.test(value)) {
    problems.add(property, value, 'not a secret name every platform accepts (letters, digits, "_", "-", not starting with a digit)', 'use e.g. "KUBECONFIG"');
  }
}

/** An https URL of a git repository, without credentials. */
export function checkRepositoryUrl(problems: Problems, property: string, value: unknown): void {
  if (typeof value !== 'string' || !/^https:\/\/[A-Za-z0-9.-]+(:[0-9]+)?\/[A-Za-z0-9._~/-]+$/.test(value)) {
    problems.add(property, value, 'not an https URL of a git repository without credentials (the token comes from the secret store)', 'use e.g. "https://github.com/acme/fleet-config.git"');
  }
}
