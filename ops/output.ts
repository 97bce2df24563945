/** Where commands write, and how they format: tables for people, JSON for scripts. */

export interface Io {
  /** One line (or block) to standard output; a newline is added. */
  out(text: string): void;
  /** One line to standard error; a newline is added. */
  err(text: string): void;
  /** Raw text to standard error (progress bar redraws). */
  errRaw(text: string): void;
  /** Whether standard error is a terminal (progress bars are drawn only then). */
  errIsTty: boolean;
}

export function processIo(): Io {
  return {
    out: (text) => process.stdout.write(`${text}\n`),
    err: (text) => process.stderr.write(`${text}\n`),
    errRaw: (text) => process.stderr.write(text),
    errIsTty: Boolean(process.stderr.isTTY),
  };
}

export function printJson(io: Io, value: unknown): void {
  io.out(JSON.stringify(value, null, 2));
}

export interface Column<T> {
  header: string;
  value: (row: T) => string;
  align?: 'left' | 'right';
}

/** A plain-text table: a header line, then one line per row, columns padded to their widest cell. */
export function renderTable<T>(rows: readonly T[], columns: readonly Column<T>[]): string {
  const cells = rows.map((row) => columns.map((column) => column.value(row)));
  const widths = columns.map((column, i) =>
    Math.max(column.header.length, ...cells.map((line) => line[i]?.length ?? 0)),
  );
  const line = (values: readonly string[]) =>
    values
      .map((value, i) =>
        columns[i]?.align === 'right' ? value.padStart(widths[i] ?? 0) : value.padEnd(widths[i] ?? 0),
      )
      .join('  ')
      .trimEnd();
  return [line(columns.map((column) => column.header)), ...cells.map(line)].join('\n');
}

/** Aligned `key  value` lines for one record. */
export function renderFields(fields: readonly [string, string | undefined][]): string {
  const present = fields.filter((field): field is [string, string] => field[1] !== undefined && field[1] !== '');
  const width = Math.max(0, ...present.map(([key]) => key.length));
  return present.map(([key, value]) => `${key.padEnd(width)}  ${value}`).join('\n');
}

// Stripe's currencies whose minor unit is not a hundredth.
const ZERO_DECIMAL = new Set([
  'bif',
  'clp',
  'djf',
  'gnf',
  'jpy',
  'kmf',
  'krw',
  'mga',
  'pyg',
  'rwf',
  'ugx',
  'vnd',
  'vuv',
  'xaf',
  'xof',
  'xpf',
]);
const THREE_DECIMAL = new Set(['bhd', 'jod', 'kwd', 'omr', 'tnd']);

/** Integer minor units as money: 1234 usd -> `12.34 USD`. Integer math only, so nothing is rounded. */
export function formatMoney(minorUnits: number, currency: string): string {
  if (!Number.isSafeInteger(minorUnits)) return `${String(minorUnits)} (minor units) ${currency.toUpperCase()}`;
  const code = currency.toLowerCase();
  const decimals = ZERO_DECIMAL.has(code) ? 0 : THREE_DECIMAL.has(code) ? 3 : 2;
  const sign = minorUnits < 0 ? '-' : '';
  const digits = String(Math.abs(minorUnits)).padStart(decimals + 1, '0');
  const whole = decimals === 0 ? digits : `${digits.slice(0, -decimals)}.${digits.slice(-decimals)}`;
  return `${sign}${whole} ${currency.toUpperCase()}`;
}

/** Basis points as a percentage: 1500 -> `15.00%`. */
export function formatBps(bps: number): string {
  return `${(bps / 100).toFixed(2)}%`;
}
