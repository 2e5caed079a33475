/**
 * A strict check of the Mermaid flowchart subset modelship emits (see lib/report/mermaid.ts).
 * Mermaid's own parser needs a DOM and is ESM-only, so it is not run by jest; this check
 * accepts only lines the real grammar accepts, and rejects anything outside the subset.
 */

const OPEN_CLOSE: Record<string, string> = { '[(': ')]', '[': ']', '{{': '}}', '([': '])' };
// Words Mermaid's flowchart lexer reads as keywords: never usable as a bare node id.
const KEYWORDS = new Set(['end', 'graph', 'flowchart', 'subgraph', 'style', 'classDef', 'class', 'click', 'linkStyle', 'direction', 'call', 'href', 'default', 'interpolate']);
const ID = '[A-Za-z][A-Za-z0-9_]*';
const NODE = new RegExp(`^  (${ID})(\\[\\(|\\(\\[|\\{\\{|\\[)"([^"]*)"(\\)\\]|\\]\\)|\\}\\}|\\])$`);
const EDGE = new RegExp(`^  (${ID}) (-->|-\\.->) (${ID})$`);

/** A parsed flowchart: nodes (id -> label) and edges. */
export interface Flowchart {
  readonly direction: string;
  readonly nodes: Map<string, { shape: string; label: string }>;
  readonly edges: { from: string; to: string; dotted: boolean }[];
}

/** Parses the subset, throwing on the first line outside it. */
export function parseFlowchart(text: string): Flowchart {
  const lines = text.split('\n');
  const header = /^graph (LR|TD|TB|RL|BT)$/.exec(lines[0]);
  if (!header) throw new Error(`line 1: expected "graph LR", got ${JSON.stringify(lines[0])}`);
  const nodes = new Map<string, { shape: string; label: string }>();
  const edges: { from: string; to: string; dotted: boolean }[] = [];
  lines.slice(1).forEach((line, i) => {
    const at = `line ${i + 2} ${JSON.stringify(line)}`;
    const node = NODE.exec(line);
    if (node) {
      const [, id, open, label, close] = node;
      if (OPEN_CLOSE[open] !== close) throw new Error(`${at}: shape ${open} closed by ${close}`);
      if (KEYWORDS.has(id) || KEYWORDS.has(id.toLowerCase())) throw new Error(`${at}: id ${id} is a Mermaid keyword`);
      if (nodes.has(id)) throw new Error(`${at}: node ${id} declared twice`);
      if (edges.length > 0) throw new Error(`${at}: node declared after the edges`);
      const bareHash = label.replace(/#(\d+|[a-z]+);/g, '');
      if (bareHash.includes('#')) throw new Error(`${at}: '#' outside an entity code`);
      if (label.replace(/<br\/>/g, '').match(/[<>`]/)) throw new Error(`${at}: markup in a label`);
      nodes.set(id, { shape: open + close, label });
      return;
    }
    const edge = EDGE.exec(line);
    if (edge) {
      const [, from, arrow, to] = edge;
      for (const end of [from, to]) if (!nodes.has(end)) throw new Error(`${at}: edge to undeclared node ${end}`);
      edges.push({ from, to, dotted: arrow === '-.->' });
      return;
    }
    throw new Error(`${at}: not a node or edge statement of the subset`);
  });
  return { direction: header[1], nodes, edges };
}

/** The body of the first ```mermaid block of a Markdown document. */
export function mermaidBlock(markdown: string): string {
  const m = /```mermaid\n([\s\S]*?)\n```/.exec(markdown);
  if (!m) throw new Error('no ```mermaid block');
  return m[1];
}
