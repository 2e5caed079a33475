// Parses Mermaid diagrams with Mermaid's own parser (the one that renders them), in a DOM from jsdom.
// Usage: node test/support/mermaid-parse.mjs FILE...  -> one JSON line per file: {file, ok, type?, error?}
// mermaid is ESM-only, so jest (CommonJS) runs this in a child process.
import { JSDOM } from 'jsdom';
import { readFileSync } from 'node:fs';

const dom = new JSDOM('<!doctype html><html><body></body></html>');
globalThis.window = dom.window;
globalThis.document = dom.window.document;
const mermaid = (await import('mermaid')).default;
mermaid.initialize({ startOnLoad: false, securityLevel: 'strict' });

for (const file of process.argv.slice(2)) {
  try {
    const result = await mermaid.parse(readFileSync(file, 'utf8'));
    console.log(JSON.stringify({ file, ok: true, type: result.diagramType }));
  } catch (e) {
    console.log(JSON.stringify({ file, ok: false, error: String(e.message ?? e).split('\n').slice(0, 4).join(' | ') }));
  }
}
