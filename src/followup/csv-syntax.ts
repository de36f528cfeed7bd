/** CSV parser errors (csv-parse) for messages, shared by `batch` and `client import`. */

/**
 * What the CSV parser stopped at: the usual spreadsheet mistakes — a row with more or fewer cells
 * than the header (a comma in an unquoted value), a quote not closed — so that they can be said
 * in the user's language; anything else keeps the parser's own words.
 */
export function csvSyntax(error: unknown): { kind: "rowLength" | "quote" | "other"; line: number; got: number; expected: number; detail: string } {
  const e = error as { code?: unknown; lines?: number; record?: unknown[]; message?: string };
  const line = e.lines ?? 0;
  const detail = e.message ?? String(error);
  const columns = /columns length is (\d+)/.exec(detail)?.[1];
  if (e.code === "CSV_RECORD_INCONSISTENT_COLUMNS" && columns !== undefined)
    return { kind: "rowLength", line, got: e.record?.length ?? 0, expected: Number(columns), detail };
  if (e.code === "CSV_QUOTE_NOT_CLOSED" || e.code === "CSV_INVALID_CLOSING_QUOTE") return { kind: "quote", line, got: 0, expected: 0, detail };
  return { kind: "other", line, got: 0, expected: 0, detail };
}
