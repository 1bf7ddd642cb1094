/**
 * A small RFC 4180 CSV parser: comma-separated fields, records ended by LF or
 * CRLF, fields optionally in double quotes, where a quote is written `""` and
 * commas, CR and LF are plain content. A UTF-8 byte order mark at the start is
 * ignored. A quote inside an unquoted field is kept as a character (as
 * Python's csv module does); text after a closing quote other than a comma or
 * a line end, and an unclosed quote, are errors naming the line.
 */

export class CsvError extends Error {
  override name = "CsvError";
  constructor(readonly line: number, message: string) {
    super(`line ${line}: ${message}`);
  }
}

/** Every record as an array of fields. A final line end does not start an empty record; an empty line is a record of one empty field. */
export function parseCsv(text: string): string[][] {
  return parseCsvRecords(text).map((record) => record.fields);
}

/** Records with the line each starts on (a quoted field may span lines). */
export function parseCsvRecords(text: string): { line: number; fields: string[] }[] {
  const rows: { line: number; fields: string[] }[] = [];
  let rowLine = 1;
  let row: string[] = [];
  let field = "";
  let line = 1;
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  const n = text.length;
  // True once the current record has any content or delimiter, so "a\n" ends with one record, not two.
  let started = false;

  const endRow = () => {
    row.push(field);
    rows.push({ line: rowLine, fields: row });
    row = [];
    field = "";
    started = false;
  };

  while (i < n) {
    const ch = text[i]!;
    // Plain runs below consume any quote inside an unquoted field, so a quote seen here opens a field.
    if (ch === '"' && field === "") {
      // A quoted field: read to the closing quote.
      const openedAt = line;
      i += 1;
      let value = "";
      for (;;) {
        if (i >= n) throw new CsvError(openedAt, "unclosed quoted field");
        const next = text.indexOf('"', i);
        if (next < 0) throw new CsvError(openedAt, "unclosed quoted field");
        const chunk = text.slice(i, next);
        value += chunk;
        line += countNewlines(chunk);
        if (text[next + 1] === '"') {
          value += '"';
          i = next + 2;
          continue;
        }
        i = next + 1;
        break;
      }
      field = value;
      started = true;
      const after = text[i];
      if (after !== undefined && after !== "," && after !== "\n" && !(after === "\r" && text[i + 1] === "\n")) {
        throw new CsvError(line, `unexpected ${JSON.stringify(after)} after a closing quote (a quote inside a quoted field is written "")`);
      }
      continue;
    }
    if (ch === ",") {
      row.push(field);
      field = "";
      started = true;
      i += 1;
    } else if (ch === "\n" || (ch === "\r" && text[i + 1] === "\n")) {
      endRow();
      i += ch === "\r" ? 2 : 1;
      line += 1;
      rowLine = line;
    } else {
      // Plain run of characters up to the next delimiter.
      let j = i + 1;
      while (j < n) {
        const c = text[j]!;
        if (c === "," || c === "\n" || (c === "\r" && text[j + 1] === "\n")) break;
        j += 1;
      }
      field += text.slice(i, j);
      started = true;
      i = j;
    }
  }
  if (started || field !== "" || row.length > 0) endRow();
  return rows;
}

function countNewlines(text: string): number {
  let count = 0;
  for (let at = text.indexOf("\n"); at >= 0; at = text.indexOf("\n", at + 1)) count += 1;
  return count;
}

/**
 * Records as objects keyed by the header row. Every record must have as many
 * fields as the header; an error names the line the record starts on.
 */
export function parseCsvObjects(text: string): { header: string[]; rows: Record<string, string>[] } {
  const [first, ...records] = parseCsvRecords(text);
  if (!first) throw new CsvError(1, "no header row");
  const header = first.fields;
  const seen = new Set<string>();
  for (const name of header) {
    if (seen.has(name)) throw new CsvError(1, `duplicate column '${name}'`);
    seen.add(name);
  }
  const rows = records.map(({ line, fields }) => {
    if (fields.length !== header.length) throw new CsvError(line, `${fields.length} fields, the header has ${header.length}`);
    return Object.fromEntries(header.map((name, column) => [name, fields[column]!]));
  });
  return { header, rows };
}
