/**
 * The house rules, checked on the tree itself: every import under `src/` points to its own folder
 * or to an earlier one in the order docs/ARCHITECTURE.md lists, no two folders import each other,
 * no file name is used twice, and `test/` mirrors `src/`.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const SRC = 'src';

function walk(dir: string, out: string[] = []): string[] {
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) walk(p, out);
    else out.push(p.split(path.sep).join('/'));
  }
  return out;
}

/** The layer list from the `<!-- layers: … -->` line of docs/ARCHITECTURE.md. */
function documentedLayers(): string[] {
  const doc = fs.readFileSync('docs/ARCHITECTURE.md', 'utf8');
  const m = /<!-- layers: ([^>]*) -->/.exec(doc);
  if (!m) throw new Error('docs/ARCHITECTURE.md has no "<!-- layers: … -->" line');
  return m[1].trim().split(/\s+/);
}

/** `src/a/b.ts` → `a`; `src/index.ts` → `index`. */
function folderOf(file: string): string {
  const parts = file.slice(SRC.length + 1).split('/');
  return parts.length > 1 ? parts[0] : parts[0].replace(/\.ts$/, '');
}

interface Import {
  readonly from: string;
  readonly to: string;
  readonly line: number;
}

/** Every relative import (static, re-export, dynamic, type-only) of every file under src/. */
function sourceImports(): Import[] {
  const found: Import[] = [];
  const pattern = /(?:\bfrom\s*|\bimport\s*\(\s*|^\s*import\s+)['"](\.{1,2}\/[^'"]+)['"]/gm;
  for (const file of walk(SRC).filter((f) => f.endsWith('.ts'))) {
    const text = fs.readFileSync(file, 'utf8');
    for (const m of text.matchAll(pattern)) {
      const target = path.posix.normalize(path.posix.join(path.posix.dirname(file), m[1]));
      const line = text.slice(0, m.index).split('\n').length;
      found.push({ from: file, to: target.replace(/\.js$/, '.ts'), line });
    }
  }
  return found;
}

describe('the import order', () => {
  const layers = documentedLayers();
  const imports = sourceImports();

  it('documents every folder of src/ and nothing else', () => {
    const folders = [...new Set(walk(SRC).map(folderOf))].sort();
    expect([...layers].sort()).toEqual(folders);
  });

  it('finds the imports it checks', () => {
    expect(imports.length).toBeGreaterThan(300);
    for (const i of imports) expect(fs.existsSync(i.to), `${i.from}:${i.line} → ${i.to}`).toBe(true);
  });

  it('has no import against the documented order', () => {
    const rank = new Map(layers.map((l, i) => [l, i]));
    const against = imports
      .filter((i) => rank.get(folderOf(i.to))! > rank.get(folderOf(i.from))!)
      .map(
        (i) => `${i.from}:${i.line} imports ${i.to} (${folderOf(i.from)} may not import ${folderOf(i.to)})`,
      );
    expect(against).toEqual([]);
  });

  it('has no cycle between folders', () => {
    const edges = new Map<string, Set<string>>();
    for (const i of imports) {
      const a = folderOf(i.from);
      const b = folderOf(i.to);
      if (a !== b) edges.set(a, (edges.get(a) ?? new Set()).add(b));
    }
    const cycles: string[] = [];
    const state = new Map<string, 1 | 2>();
    const stack: string[] = [];
    const visit = (n: string): void => {
      state.set(n, 1);
      stack.push(n);
      for (const m of edges.get(n) ?? []) {
        if (state.get(m) === 1) cycles.push([...stack.slice(stack.indexOf(m)), m].join(' → '));
        else if (!state.has(m)) visit(m);
      }
      stack.pop();
      state.set(n, 2);
    };
    for (const n of edges.keys()) if (!state.has(n)) visit(n);
    expect(cycles).toEqual([]);
  });
});

describe('names and the test tree', () => {
  const sources = walk(SRC).filter((f) => f.endsWith('.ts'));

  it('uses every file name once under src/, so a name says its role', () => {
    const byName = new Map<string, string[]>();
    for (const f of sources) byName.set(path.basename(f), [...(byName.get(path.basename(f)) ?? []), f]);
    const shared = [...byName].filter(([, fs]) => fs.length > 1).map(([n, fs]) => `${n}: ${fs.join(', ')}`);
    expect(shared).toEqual([]);
  });

  it('mirrors src/ in test/: every test names the source file it tests', () => {
    const strays = walk('test')
      .filter((f) => f.endsWith('.test.ts'))
      .filter((f) => {
        // test/a/b[.aspect][.int].test.ts → src/a/b.ts
        const stem = f
          .slice('test/'.length)
          .replace(/\.test\.ts$/, '')
          .replace(/\.int$/, '');
        const direct = `${SRC}/${stem}.ts`;
        const aspect = `${SRC}/${stem.replace(/\.[^./]+$/, '')}.ts`;
        return !fs.existsSync(direct) && !fs.existsSync(aspect);
      });
    expect(strays).toEqual([]);
  });

  it('keeps helpers in folders that mirror src/ or in test/helpers/', () => {
    const strays = walk('test')
      .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'))
      .filter((f) => !f.startsWith('test/helpers/'))
      .filter((f) => !fs.existsSync(path.posix.join(SRC, path.posix.dirname(f.slice('test/'.length)))));
    expect(strays).toEqual([]);
  });
});
