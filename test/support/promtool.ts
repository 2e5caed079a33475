import { spawnSync } from 'child_process';
import { existsSync } from 'fs';

/**
 * The promtool binary (Debian's `prometheus` package, which .ci/run installs), or undefined. Tests
 * that need it skip loudly without it on a developer's machine, and fail under CI, where a skip
 * would pass a check that never ran.
 */
export const PROMTOOL: string | undefined = ['/usr/bin/promtool', '/usr/local/bin/promtool'].find(p => existsSync(p))
  ?? (spawnSync('sh', ['-c', 'command -v promtool']).stdout?.toString().trim() || undefined);

/** Throws under CI when promtool is missing; warns loudly otherwise that `what` is skipped. */
export function requirePromtool(what: string): void {
  if (PROMTOOL) return;
  if (process.env.CI) throw new Error('promtool is required under CI (install Debian\'s `prometheus` package in .ci/run)');
  // eslint-disable-next-line no-console
  console.warn('\n\n!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!\n'
    + `!!! promtool not found: SKIPPING ${what}.\n`
    + '!!! Install it (Debian/Ubuntu: apt-get install prometheus) to run it locally.\n'
    + '!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!\n');
}
