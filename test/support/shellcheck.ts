import { spawnSync } from 'child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';

/** Whether shellcheck (Debian package shellcheck) is installed, and its version. */
export function shellcheckVersion(): string | undefined {
  const r = spawnSync('shellcheck', ['--version'], { encoding: 'utf8' });
  return r.status === 0 ? /version: (\S+)/.exec(r.stdout)?.[1] : undefined;
}

/**
 * shellcheck on each script (severity warning and up: errors and warnings, not style), as the
 * given shell; returns `label: findings` for every script with findings.
 */
export function shellcheck(scripts: Array<{ label: string; script: string; shell: 'sh' | 'bash' }>): string[] {
  const dir = mkdtempSync(join(tmpdir(), 'shellcheck-'));
  try {
    return scripts.flatMap(({ label, script, shell }, i) => {
      const file = join(dir, `script-${i}.sh`);
      writeFileSync(file, script);
      const r = spawnSync('shellcheck', ['--severity=warning', `--shell=${shell}`, '--format=gcc', file], { encoding: 'utf8' });
      if (r.status === 0) return [];
      return [`${label}:\n${r.stdout.replace(new RegExp(file.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&'), 'g'), 'script')}${r.stderr}`];
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
