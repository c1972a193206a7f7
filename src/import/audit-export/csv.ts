// CSV as spreadsheets and log consoles export it (RFC 4180): a header row, then records whose
// quoted fields may hold commas, doubled quotes and line breaks (a pretty-printed JSON message).

export interface CsvRecord {
  /** 1-based line the record starts on. */
  line: number;
  fields: string[];
}

/** The records of CSV text; `complete` false drops a last record the text may have cut. */
export function* csvRecords(text: string, complete = true): Generator<CsvRecord> {
  const n = text.length;
  let i = 0;
  let line = 1;
  while (i < n) {
    const start = line;
    const fields: string[] = [];
    let ended = false;
    for (;;) {
      let field = '';
      if (text.charCodeAt(i) === 34) {
        // A quoted field runs to the first quote that is not doubled.
        let from = i + 1;
        for (;;) {
          const quote = text.indexOf('"', from);
          if (quote === -1) {
            if (!complete) return;
            field += text.slice(from);
            line += newlines(text, from, n);
            i = n;
            break;
          }
          field += text.slice(from, quote);
          line += newlines(text, from, quote);
          if (text.charCodeAt(quote + 1) === 34) {
            field += '"';
            from = quote + 2;
            continue;
          }
          i = quote + 1;
          break;
        }
      }
      let j = i;
      while (j < n) {
        const c = text.charCodeAt(j);
        if (c === 44 || c === 10 || c === 13) break;
        j++;
      }
      field += text.slice(i, j);
      fields.push(field);
      i = j;
      if (i >= n) break;
      const c = text.charCodeAt(i);
      i++;
      if (c === 44) continue;
      if (c === 13 && text.charCodeAt(i) === 10) i++;
      line++;
      ended = true;
      break;
    }
    if (!ended && !complete) return;
    if (fields.length === 1 && fields[0] === '') continue;
    yield { line: start, fields };
  }
}

function newlines(text: string, from: number, to: number): number {
  let count = 0;
  for (let at = text.indexOf('\n', from); at !== -1 && at < to; at = text.indexOf('\n', at + 1)) count++;
  return count;
}
