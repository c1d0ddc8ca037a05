/**
 * What commands print. A `Progress` keeps one live status line at the bottom of a terminal
 * (rewritten in place) above which permanent lines scroll; without a TTY (a pipe, CI, a file) the
 * status line is left out and only the permanent lines appear, one per line.
 */

export interface Progress {
  /** A permanent line. */
  line(text?: string): void;
  /** The transient status (terminal only). */
  status(text: string): void;
  /** Clears the status line. */
  done(): void;
}

interface WritableLike {
  write(text: string): unknown;
  readonly isTTY?: boolean;
}

export function createProgress(out: WritableLike = process.stdout): Progress {
  const live = out.isTTY === true && process.env.TERM !== 'dumb';
  let shown = '';
  const clear = (): void => {
    if (live && shown !== '') out.write('\r\x1b[K');
  };
  return {
    line(text = '') {
      clear();
      out.write(`${text}\n`);
      if (live && shown !== '') out.write(shown);
    },
    status(text) {
      if (!live) return;
      clear();
      const width = (out as { columns?: number }).columns ?? 100;
      shown = text.length >= width ? `${text.slice(0, Math.max(0, width - 2))}…` : text;
      out.write(shown);
    },
    done() {
      clear();
      shown = '';
    },
  };
}

/** `--json` output: one pretty JSON document and a newline. */
export function printJson(value: unknown, out: WritableLike = process.stdout): void {
  out.write(`${JSON.stringify(value, null, 2)}\n`);
}

/** Seconds with one decimal: `12.3s`. */
export function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)}s`;
}

/** A plain table: columns padded to their widest cell. */
export function table(rows: readonly (readonly string[])[]): string[] {
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, cell.length)));
  return rows.map((row) =>
    row
      .map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd(),
  );
}
