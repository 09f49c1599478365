/**
 * Progress on stderr: a redrawn bar on a terminal, plain lines (at most one every few seconds) when
 * stderr is a file or pipe, nothing with quiet. stdout stays free for results.
 */
export interface ProgressOptions {
  total: number;
  label?: string;
  quiet?: boolean;
  /** Seconds between plain lines when not on a terminal. */
  plainEvery?: number;
  /** A time limit (the run stops at whichever comes first): the ETA and the bar follow it when it is nearer. */
  maxSeconds?: number;
  /** What one unit of `done` is, for the rate ("gen", "steps"; default "it"). */
  unit?: string;
  /**
   * When the work began (performance.now()), if before this object was made: a bar made at the first finished
   * generation would otherwise see one generation in no time (a rate in the thousands, ETA 0s).
   */
  startedAt?: number;
}

export class Progress {
  private readonly start: number;
  private lastDraw = 0;
  private readonly tty = Boolean(process.stderr.isTTY);

  constructor(private readonly opts: ProgressOptions) {
    this.start = opts.startedAt ?? performance.now();
  }

  update(done: number, fields: Record<string, string | number> = {}): void {
    if (this.opts.quiet) return;
    const now = performance.now();
    const last = done >= this.opts.total;
    const gap = this.tty ? 100 : (this.opts.plainEvery ?? 5) * 1000;
    if (!last && now - this.lastDraw < gap && done !== 1) return;
    this.lastDraw = now;
    const secs = (now - this.start) / 1000;
    const rate = done / Math.max(secs, 1e-9);
    let eta = rate > 0 ? (this.opts.total - done) / rate : 0;
    let frac = done / Math.max(1, this.opts.total);
    const limit = this.opts.maxSeconds ?? 0;
    if (limit > 0 && limit - secs < eta) { eta = Math.max(0, limit - secs); frac = Math.min(1, secs / limit); }
    const info = Object.entries(fields).map(([k, v]) => `${k} ${typeof v === 'number' ? fmt(v) : v}`).join('  ');
    const label = this.opts.label ? `${this.opts.label} ` : '';
    if (this.tty) {
      const width = 24;
      const filled = Math.min(width, Math.round(width * frac));
      const bar = '█'.repeat(filled) + '░'.repeat(width - filled);
      const line = `${label}${bar} ${done}/${this.opts.total}  ${info}  ${fmt(rate)} ${this.opts.unit ?? 'it'}/s  ETA ${duration(eta)}`;
      const cols = process.stderr.columns || 120;
      process.stderr.write(`\r\x1b[2K${line.slice(0, cols - 1)}`);
      if (last) process.stderr.write('\n');
    } else {
      process.stderr.write(`${label}${done}/${this.opts.total}  ${info}  ${fmt(rate)} ${this.opts.unit ?? 'it'}/s  ETA ${duration(eta)}\n`);
    }
  }
}

export function fmt(v: number): string {
  if (Number.isNaN(v)) return '—'; // not measured yet
  if (!Number.isFinite(v)) return String(v);
  if (Number.isInteger(v) && Math.abs(v) < 1e6) return String(v);
  const a = Math.abs(v);
  if (a >= 1e5 || (a > 0 && a < 1e-3)) return v.toExponential(2);
  return v.toFixed(a >= 100 ? 1 : a >= 1 ? 3 : 4);
}

export function duration(secs: number): string {
  if (!Number.isFinite(secs)) return '?';
  // Round once, then split, so 539.6 s reads 9m00s, never 8m60s.
  const s = Math.round(Math.max(0, secs));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  const m = Math.round(s / 60);
  return `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m`;
}

/**
 * A run loop's onGeneration hook that draws this progress bar (nothing with quiet). Made before the run starts, so
 * the rate counts from there; a resumed run's bar counts this session's generations; the ETA is the earlier of the
 * generation budget and `maxSeconds`.
 */
export function generationProgress(label: string, quiet: boolean, maxSeconds?: number): (p: { generation: number; total: number; mean: number; best: number; workers?: number; stragglerSeconds?: number }) => void {
  let bar: Progress | undefined;
  let base = 0;
  const startedAt = performance.now();
  return (p) => {
    if (!bar) {
      base = p.generation - 1;
      bar = new Progress({ total: Math.max(1, p.total - base), label: base > 0 ? `${label} (from generation ${base})` : label, quiet, maxSeconds, unit: 'gen', startedAt });
    }
    // Cluster runs also show the live workers and the last generation's wait for stragglers.
    const fields: Record<string, number> = { mean: p.mean, best: p.best };
    if (p.workers !== undefined) { fields.workers = p.workers; fields['straggler s'] = p.stragglerSeconds ?? 0; }
    bar.update(p.generation - base, fields);
  };
}
