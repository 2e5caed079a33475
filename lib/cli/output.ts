/**
 * Output of the read-only commands (validate, plan, diff, images): one `--format` option and the
 * table renderers they share. Node's own modules only: `modelship --help` loads no dependency.
 */
import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { CliContext, UsageError } from './command';

/** Output formats of the read-only commands. */
export type OutputFormat = 'text' | 'markdown' | 'json';
export const OUTPUT_FORMATS: readonly OutputFormat[] = ['text', 'markdown', 'json'];

/** The `--format` option as util.parseArgs reads it. */
export const FORMAT_OPTION = { format: { type: 'string' as const, short: 'f', default: 'text' } };
/** The `--help` option. */
export const HELP_OPTION = { help: { type: 'boolean' as const, short: 'h', default: false } };

/** Checks a `--format` value. */
export function outputFormat(value: string | undefined): OutputFormat {
  const v = value ?? 'text';
  if (!(OUTPUT_FORMATS as readonly string[]).includes(v)) throw new UsageError(`--format must be one of ${OUTPUT_FORMATS.join(', ')}, got ${JSON.stringify(v)}`);
  return v as OutputFormat;
}

/** An existing directory argument, resolved against the working directory. */
export function directoryArgument(context: CliContext, value: string | undefined, what: string): string {
  if (value === undefined || value === '') throw new UsageError(`missing ${what}`);
  const dir = resolve(context.cwd, value);
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new UsageError(`${what} ${value} is not a directory`);
  return dir;
}

/**
 * The arguments of a read-only command on one synth output (`validate`, `plan`, `images`): one
 * directory (`dir` resolved, `given` as typed), `--format`, `--help`. Undefined when `--help` was asked for (the help is printed).
 */
export function directoryCommandArgs(command: string, help: string, args: string[], context: CliContext): { dir: string; given: string; format: OutputFormat } | undefined {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, strict: true, options: { ...FORMAT_OPTION, ...HELP_OPTION } });
  if (values.help) {
    context.out(help);
    return undefined;
  }
  if (positionals.length !== 1) throw new UsageError(`${command} takes one directory, got ${positionals.length}`);
  const format = outputFormat(values.format);
  return { dir: directoryArgument(context, positionals[0], 'directory'), given: positionals[0], format };
}

/** Aligned text columns. */
export function textTable(headers: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map(r => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) => cells.map((c, i) => (c ?? '').padEnd(widths[i])).join('  ').trimEnd();
  return [line(headers), line(widths.map(w => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

/** A Markdown table; pipes and line breaks in cells are escaped. */
export function markdownTable(headers: readonly string[], rows: readonly (readonly string[])[]): string {
  const cell = (s: string) => (s ?? '').replace(/\|/g, '\\|').replace(/[\r\n]+/g, ' ');
  return [`| ${headers.map(cell).join(' | ')} |`, `| ${headers.map(() => '---').join(' | ')} |`, ...rows.map(r => `| ${r.map(cell).join(' | ')} |`)].join('\n');
}

/** `$12.34`. */
export function usd(x: number): string {
  return `$${x.toFixed(2)}`;
}

/** Signed number, `+2` / `-1` / `0`; money with two decimals. */
export function signed(x: number, money = false): string {
  const abs = money ? Math.abs(x).toFixed(2) : String(Math.abs(x));
  const unit = money ? '$' : '';
  return x > 0 ? `+${unit}${abs}` : x < 0 ? `-${unit}${abs}` : `${unit}${money ? '0.00' : '0'}`;
}
