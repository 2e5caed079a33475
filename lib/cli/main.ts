#!/usr/bin/env node
// The `modelship` command (package.json `bin`). It loads only Node's own modules and the commands'
// files, never cdk8s: `npx modelship init` must work before anything else is installed.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CliContext, Command, ExitCode, UsageError } from './command';
import { diffCommand } from './diff';
import { imagesCommand } from './images';
import { initCommand } from './init';
import { planCommand } from './plan';
import { validateCommand } from './validate';

/** Every subcommand, in the order `modelship --help` lists them. */
export const COMMANDS: readonly Command[] = [initCommand, validateCommand, planCommand, diffCommand, imagesCommand];

/** The version in modelship's package.json (build/cli/ and lib/cli/ are both two levels below it). */
export function packageVersion(): string {
  return JSON.parse(readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8')).version;
}

function help(): string {
  const width = Math.max(...COMMANDS.map(c => c.name.length));
  return [
    'Usage: modelship <command> [options]',
    '',
    'Commands:',
    ...COMMANDS.map(c => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    'Options:',
    '  -h, --help     show help (modelship <command> --help for a command)',
    '  -v, --version  print the modelship version',
    '',
    'Exit codes: 0 ok, 1 problems found, 2 usage error.',
  ].join('\n');
}

/** Runs `modelship <argv...>` and returns its exit code; output goes through `context`. */
export function main(argv: string[], context: CliContext): ExitCode {
  const [first, ...rest] = argv;
  if (first === undefined || first === '-h' || first === '--help' || first === 'help') {
    if (first === 'help' && rest[0] !== undefined) return main([rest[0], '--help'], context);
    if (first === undefined) {
      context.err(help());
      return ExitCode.USAGE;
    }
    context.out(help());
    return ExitCode.OK;
  }
  if (first === '-v' || first === '--version') {
    context.out(context.version);
    return ExitCode.OK;
  }
  const command = COMMANDS.find(c => c.name === first);
  if (!command) {
    context.err(`modelship: unknown command ${JSON.stringify(first)}.\n\n${help()}`);
    return ExitCode.USAGE;
  }
  try {
    return command.run(rest, context);
  } catch (e) {
    // util.parseArgs throws TypeErrors with ERR_PARSE_ARGS_* codes for unknown options and missing values.
    const code = (e as { code?: unknown }).code;
    if (e instanceof UsageError || (typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS_'))) {
      context.err(`modelship ${command.name}: ${(e as Error).message}`);
      context.err(`Run 'modelship ${command.name} --help' for usage.`);
      return ExitCode.USAGE;
    }
    throw e;
  }
}

if (require.main === module) {
  process.exitCode = main(process.argv.slice(2), {
    cwd: process.cwd(),
    version: packageVersion(),
    out: line => process.stdout.write(`${line}\n`),
    err: line => process.stderr.write(`${line}\n`),
  });
}
