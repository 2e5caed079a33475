import { CliContext, Command, ExitCode } from './command';
import { directoryCommandArgs, markdownTable } from './output';

const HELP = `Usage: modelship validate <dir> [options]

Checks every object of every YAML file under <dir> (a synth output, e.g. dist/) offline, and
prints one line per problem: file:kind/name: path: message.

Checks:
  schema        core kinds against the Kubernetes OpenAPI schemas (kubernetes-models), custom
                resources against the CRDs modelship vendors; unknown fields are problems
  api-server    the API server's rules in code: names (DNS-1123/1035 per kind), labels,
                annotations, quantities, ports, env names, image references, duplicates
  cel           the CRDs' x-kubernetes-validations rules (CEL)
  pod-security  Pod Security "restricted" on model pods (label app.kubernetes.io/component:
                model-server; a pod labelled modelship.dev/pod-security: root-exception may run
                as root, every other control still applies)
  object-size   what client-side kubectl apply (and Argo CD) can store (256 KiB of annotations)

Options:
  -f, --format <text|markdown|json>  output format                          [default: text]
  -h, --help                         show this help

Exit codes: 0 no problem; 1 problems found (or no object found); 2 usage error.`;

/** `modelship validate <dir>`. */
export const validateCommand: Command = {
  name: 'validate',
  summary: 'check every object of a synth output (schemas, API-server and CEL rules, Pod Security, size)',
  help: HELP,
  run(args: string[], context: CliContext): ExitCode {
    const parsed = directoryCommandArgs('validate', HELP, args, context);
    if (!parsed) return ExitCode.OK;
    const { dir, given, format } = parsed;
    // Loaded here: the schemas, YAML parser and CEL evaluator are only needed by this command.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const v: typeof import('../validate') = require('../validate');
    const report = v.validateDirectory(dir);
    const empty = report.objects === 0 && report.problems.length === 0;
    if (format === 'json') {
      context.out(JSON.stringify({ directory: given, files: report.files, objects: report.objects, problems: report.problems }, null, 2));
    } else if (format === 'markdown') {
      context.out(`### modelship validate: ${report.problems.length === 0 ? (empty ? 'no objects found' : 'no problems') : `${report.problems.length} problem(s)`}`);
      context.out('');
      context.out(`${report.objects} object(s) in ${report.files} file(s) under \`${given}\`.`);
      if (report.problems.length > 0) {
        context.out('');
        context.out(markdownTable(['file', 'object', 'path', 'check', 'problem'], report.problems.map(p => [p.file, `${p.kind}/${p.name}`, p.path, p.check, p.message])));
      }
    } else {
      for (const p of report.problems) context.out(v.formatProblem(p));
      const summary = `modelship validate: ${report.objects} object(s) in ${report.files} file(s), ${report.problems.length} problem(s)`;
      if (report.problems.length > 0 || empty) context.err(summary);
      else context.out(summary);
    }
    if (empty) context.err(`modelship validate: no Kubernetes object in ${given} (synthesize first: npx cdk8s synth)`);
    return report.problems.length > 0 || empty ? ExitCode.PROBLEMS : ExitCode.OK;
  },
};
