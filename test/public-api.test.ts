import { readFileSync } from 'fs';
import { join } from 'path';
import * as ts from 'typescript';

/**
 * The public API is what `lib/index.ts` and `lib/pulumi/index.ts` export, types included. A new
 * symbol appears there only on purpose: add it to test/public-api.txt in the same change (and
 * regenerate API.md); anything else belongs in lib/private/ or stays unexported.
 */
const root = join(__dirname, '..');
const ENTRY_POINTS = { 'modelship': 'lib/index.ts', 'modelship/pulumi': 'lib/pulumi/index.ts', 'modelship/testing': 'lib/testing/index.ts', 'modelship/ci': 'lib/ci/index.ts' };

function publicSymbols(): string[] {
  const files = Object.values(ENTRY_POINTS).map(f => join(root, f));
  const program = ts.createProgram(files, { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.CommonJS, skipLibCheck: true, noEmit: true, esModuleInterop: true });
  const checker = program.getTypeChecker();
  return Object.entries(ENTRY_POINTS).flatMap(([entry, file]) => {
    const moduleSymbol = checker.getSymbolAtLocation(program.getSourceFile(join(root, file))!)!;
    return checker.getExportsOfModule(moduleSymbol).map(s => `${entry}: ${s.name}`);
  }).sort();
}

test('the public API is exactly the announced list', () => {
  const announced = readFileSync(join(__dirname, 'public-api.txt'), 'utf8').split('\n').filter(l => l.trim() && !l.startsWith('#'));
  const actual = publicSymbols();
  const added = actual.filter(s => !announced.includes(s));
  const removed = announced.filter(s => !actual.includes(s));
  expect({ added, removed }).toEqual({ added: [], removed: [] });
  console.log(`public symbols: ${actual.filter(s => s.startsWith('modelship:')).length} in modelship, ${actual.filter(s => s.startsWith('modelship/pulumi:')).length} in modelship/pulumi`);
});
