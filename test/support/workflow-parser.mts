// GitHub's own workflow parser (@actions/workflow-parser, the one behind the Actions language
// service) on the files named in argv; prints one JSON line per file: the errors it reports and
// the jobs of the converted template. The package is ESM and imports its schema JSON without
// import attributes, which Node 20 refuses: this script runs under tsx (`node --import tsx`),
// in a child process of the jest test (test/support/github-workflow.ts).
import { readFileSync } from 'node:fs';
import { convertWorkflowTemplate, NoOperationTraceWriter, parseWorkflow } from '@actions/workflow-parser';

for (const file of process.argv.slice(2)) {
  const parsed = parseWorkflow({ name: file, content: readFileSync(file, 'utf8') }, new NoOperationTraceWriter());
  const errors = parsed.context.errors.getErrors().map(e => e.message);
  let jobs: unknown[] = [];
  if (parsed.value !== undefined) {
    const template = await convertWorkflowTemplate(parsed.context, parsed.value);
    errors.push(...(template.errors ?? []).map(e => e.Message));
    jobs = (template.jobs ?? []).map((job: any) => ({
      id: job.id?.value,
      needs: (job.needs ?? []).map((n: any) => n.value),
      environment: job.environment ? String(job.environment) : undefined,
      steps: (job.steps ?? []).length,
    }));
  }
  process.stdout.write(`${JSON.stringify({ file, errors, jobs })}\n`);
}
