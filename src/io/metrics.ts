/**
 * metrics.jsonl: one JSON object per line, appended as a run goes. On resume the file is cut back to the
 * lines written up to the checkpoint, so a resumed run's file equals an uninterrupted run's.
 */
import { appendFileSync, existsSync } from 'node:fs';
import { dirname } from 'node:path';
import { makeDirs, writeFileAtomic } from './atomic.js';
import { fsError, readFileBounded } from './errors.js';

/** metrics.jsonl is read back whole (resume, plots); this bounds a damaged or hostile one. */
const METRICS_LIMIT = 1 << 30;

export class MetricsLog {
  constructor(readonly path: string) {
    try {
      makeDirs(dirname(path));
    } catch (e) {
      throw fsError(e, dirname(path), 'create folder');
    }
  }

  append(record: Record<string, unknown>): void {
    try {
      appendFileSync(this.path, JSON.stringify(record) + '\n');
    } catch (e) {
      throw fsError(e, this.path, 'append to');
    }
  }

  /** Keeps only the records for which keep() is true (used on resume). */
  truncate(keep: (record: Record<string, unknown>) => boolean): void {
    if (!existsSync(this.path)) return;
    const kept = readJsonl(this.path).filter(keep);
    writeFileAtomic(this.path, kept.map((r) => JSON.stringify(r) + '\n').join(''));
  }
}

export function readJsonl(path: string): Record<string, unknown>[] {
  const text = readFileBounded(path, METRICS_LIMIT).toString('utf8');
  const out: Record<string, unknown>[] = [];
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    try {
      out.push(JSON.parse(line));
    } catch {
      // A line cut short by a crash mid-append is dropped; every complete line is kept.
    }
  }
  return out;
}
