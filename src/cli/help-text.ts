/**
 * Help text as prose: the source breaks its lines for the source's width, and commander wraps a
 * description again at the terminal's (leaving ragged lines of a word or two in 80 columns) and
 * prints an `addHelpText` block as it is (lines of ~105 characters that the terminal cuts
 * mid-word). Both are flowed — a single line break is a space, a blank line a paragraph break —
 * and the blocks wrapped at the help's width; indented lines (examples, sample output) stay as
 * they are.
 */

/** Single line breaks become spaces; a blank line, or a line that starts indented, stays apart. */
export function flowed(text: string): string {
  return text.replace(/([^\n])\n(?=[^\n\s])/g, '$1 ');
}

/** `text` flowed and wrapped at `width` (indented lines untouched). */
export function wrapProse(text: string, width: number): string {
  return flowed(text)
    .split('\n')
    .map((line) => (line === '' || /^\s/.test(line) ? line : wrapLine(line, width)))
    .join('\n');
}

/** An `addHelpText` block whose prose is wrapped at the width of the help being printed. */
export function proseHelp(text: string): () => string {
  return () => wrapProse(text, (process.stdout.isTTY && process.stdout.columns) || 80);
}

function wrapLine(line: string, width: number): string {
  const out: string[] = [];
  let rest = line;
  while (rest.length > width) {
    const cut = rest.lastIndexOf(' ', width);
    if (cut <= 0) break;
    out.push(rest.slice(0, cut));
    rest = rest.slice(cut + 1);
  }
  out.push(rest);
  return out.join('\n');
}
