// k6/experimental/csv: parse() a file from k6/experimental/fs into records shared by every VU (a
// SharedArray), or read it record by record with a Parser. Fields follow RFC 4180 (quotes, doubled
// quotes, delimiters and line breaks inside quotes). Options: delimiter, skipFirstLine, fromLine,
// toLine, asObjects (records as objects keyed by the header line).
import { text } from 'squall/fs';
import { SharedArray } from 'k6/data';

function records(content, options) {
  const delimiter = options.delimiter === undefined ? ',' : String(options.delimiter);
  if (delimiter.length !== 1) throw new TypeError('delimiter must be a single character');
  const rows = [];
  let row = [];
  let field = '';
  let quoted = false;
  let i = 0;
  const endRow = () => {
    row.push(field);
    if (!(row.length === 1 && row[0] === '')) rows.push(row);
    row = [];
    field = '';
  };
  while (i < content.length) {
    const c = content[i];
    if (quoted) {
      if (c === '"' && content[i + 1] === '"') {
        field += '"';
        i += 2;
        continue;
      }
      if (c === '"') quoted = false;
      else field += c;
      i++;
      continue;
    }
    if (c === '"' && field === '') quoted = true;
    else if (c === delimiter) {
      row.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      endRow();
      if (c === '\r' && content[i + 1] === '\n') i++;
    } else field += c;
    i++;
  }
  if (field !== '' || row.length) endRow();

  let first = 0;
  if (options.fromLine !== undefined) first = options.fromLine;
  else if (options.skipFirstLine) first = 1;
  const last = options.toLine === undefined ? rows.length - 1 : Math.min(options.toLine, rows.length - 1);
  if (!options.asObjects) return rows.slice(first, last + 1);
  const header = rows[0] || [];
  return rows.slice(Math.max(first, 1), last + 1).map((r) => Object.fromEntries(header.map((h, k) => [h, r[k]])));
}

function pathOf(file) {
  if (!file || typeof file.path !== 'string') {
    throw new TypeError('csv needs a file from k6/experimental/fs open()');
  }
  return file.path;
}

export async function parse(file, options = {}) {
  const path = pathOf(file);
  return new SharedArray(`k6/experimental/csv:${path}:${JSON.stringify(options)}`, () => records(text(path), options));
}

export class Parser {
  #records;
  #next = 0;

  constructor(file, options = {}) {
    this.#records = records(text(pathOf(file)), options);
  }

  async next() {
    if (this.#next >= this.#records.length) return { done: true, value: undefined };
    return { done: false, value: this.#records[this.#next++] };
  }
}

export default { parse, Parser };
