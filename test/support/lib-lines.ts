import { readdirSync, readFileSync, statSync } from 'fs';
import { join, relative } from 'path';

const LIB = join(__dirname, '..', '..', 'lib');

/**
 * Every line of lib/ that matches `pattern`, as `lib/<file>:<line>: <text>`, skipping the folders
 * and files in `skip` (paths relative to lib/, e.g. `imports`) and comment lines.
 */
export function libLinesMatching(pattern: RegExp, skip: readonly string[] = []): string[] {
  const found: string[] = [];
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir).sort()) {
      const path = join(dir, name);
      const rel = relative(LIB, path);
      if (skip.includes(rel)) continue;
      if (statSync(path).isDirectory()) {walk(path);} else if (name.endsWith('.ts')) {
        readFileSync(path, 'utf8').split('\n').forEach((line, i) => {
          const t = line.trim();
          if (!t.startsWith('*') && !t.startsWith('//') && pattern.test(line)) found.push(`lib/${rel}:${i + 1}: ${t}`);
        });
      }
    }
  };
  walk(LIB);
  return found;
}
