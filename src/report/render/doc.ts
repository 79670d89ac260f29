/**
 * A small document model between the report and its text formats: headings, label/value
 * fields, tables, notes and charts. `sections.ts` turns a report into blocks once; the terminal,
 * Markdown and HTML renderers only lay them out (the text formats skip charts).
 */

export type Tone = 'ok' | 'bad' | 'warn' | 'dim';

/** A table cell: plain text, or text with a tone (colour in a terminal, a class in HTML). */
export type Cell = string | { readonly text: string; readonly tone: Tone };

export interface Column {
  readonly header: string;
  readonly align?: 'left' | 'right';
}

export interface ShareBar {
  readonly label: string;
  readonly expected: number;
  readonly observed: number;
}

export interface RuleBar {
  readonly label: string;
  readonly count: number;
  readonly tone?: Tone;
}

export interface TimelineMarker {
  readonly t: number;
  readonly label: string;
  readonly kind: 'epoch' | 'fault' | 'health' | 'topology';
}

export type Chart =
  | { readonly kind: 'shares'; readonly title: string; readonly bars: readonly ShareBar[] }
  | {
      readonly kind: 'rules';
      readonly title: string;
      readonly bars: readonly RuleBar[];
      /** The listener's requests: the base of the percentages (failure bars overlap the routes). */
      readonly total: number;
    }
  | {
      readonly kind: 'timeline';
      readonly title: string;
      readonly bucketUs: number;
      readonly series: readonly string[];
      /** Counts per bucket and series. */
      readonly counts: readonly (readonly number[])[];
      readonly markers: readonly TimelineMarker[];
    };

export type Block =
  | { readonly kind: 'title'; readonly text: string }
  | { readonly kind: 'heading'; readonly level: 2 | 3; readonly text: string }
  | { readonly kind: 'fields'; readonly items: readonly (readonly [string, Cell])[] }
  | {
      readonly kind: 'table';
      readonly columns: readonly Column[];
      readonly rows: readonly (readonly Cell[])[];
    }
  | { readonly kind: 'note'; readonly text: string; readonly tone?: Tone }
  | { readonly kind: 'chart'; readonly chart: Chart };

export function cellText(c: Cell): string {
  return typeof c === 'string' ? c : c.text;
}

export function cellTone(c: Cell): Tone | undefined {
  return typeof c === 'string' ? undefined : c.tone;
}
