/**
 * A log of flat records as a file a user's tools read — JSON Lines (one object a line, as metrics.jsonl) or CSV (a
 * header from the first record's keys, RFC 4180 quoting) — appended record by record, so a run stopped half way
 * leaves every record it made. `optimize`'s `onGeneration` takes `recordLogger(path)` as it is.
 */
import { appendFileSync } from 'node:fs';
import { dirname, extname } from 'node:path';
import { makeDirs, writeFileAtomic } from './atomic.js';
import { fsError } from './errors.js';

export type RecordFormat = 'jsonl' | 'csv';

const csvCell = (v: unknown): string => {
  const s = v === undefined || v === null ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};

/**
 * A function that appends each record it is given to `path` (created afresh, its folder too). The format is
 * `format`, else the path's extension (.csv is CSV; anything else JSON Lines). CSV columns are the first record's
 * keys; a later record's extra keys are dropped, missing ones left empty.
 */
export function recordLogger(path: string, format?: RecordFormat): (record: object) => void {
  const fmt: RecordFormat = format ?? (extname(path).toLowerCase() === '.csv' ? 'csv' : 'jsonl');
  try {
    makeDirs(dirname(path));
    writeFileAtomic(path, '');
  } catch (e) {
    throw fsError(e, path, 'create');
  }
  let columns: string[] | undefined;
  return (record) => {
    const r = record as Record<string, unknown>;
    let text: string;
    if (fmt === 'jsonl') text = JSON.stringify(r) + '\n';
    else {
      const head = columns ? '' : (columns = Object.keys(r)).map(csvCell).join(',') + '\n';
      text = head + columns.map((k) => csvCell(r[k])).join(',') + '\n';
    }
    try {
      appendFileSync(path, text);
    } catch (e) {
      throw fsError(e, path, 'append to');
    }
  };
}
