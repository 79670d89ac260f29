/**
 * Help text as prose: the source breaks its lines for the source's width, and commander wraps a
 * description again at the terminal's (leaving ragged lines of a word or two in 80 columns) and
 * prints an `addHelpText` block as it is (lines of ~105 characters that the terminal cuts
 * mid-word). Both are flowed — a single line break is a space, a blank line a paragraph break —
 * and the blocks wrapped at the help's width; indented lines (examples, sample output) stay as
 * they are.
 */
import { type Command, Help } from 'commander';

/** Single line breaks become spaces; a blank line, or a line that starts indented, stays apart. */
export function flowed(text: string): string {
  return text.replace(/([^\n])\n(?=[^\n\s])/g, '$1 ');
}

/** `text` flowed and wrapped at `width` by commander's own wrapping (indented lines untouched). */
export function wrapProse(text: string, width: number, help: Help = new Help()): string {
  return flowed(text)
    .split('\n')
    .map((line) => (line === '' || /^\s/.test(line) ? line : help.boxWrap(line, width)))
    .join('\n');
}

/**
 * An `addHelpText` block whose prose is wrapped at the width commander gives the help it belongs
 * to (the terminal's, else 80; the command's output configuration decides, as for the rest).
 */
export function proseHelp(text: string): (context: { error: boolean; command: Command }) => string {
  return ({ error, command }) => {
    const output = command.configureOutput();
    const width = (error ? output.getErrHelpWidth?.() : output.getOutHelpWidth?.()) ?? 80;
    return wrapProse(text, width, command.createHelp());
  };
}
