/**
 * Flag parsing with one zod schema per flag as the single source of truth: the same spec gives the
 * parser options, the --help text, the validation and its error message. Values can also come from a
 * JSON config file (`--config`), whose keys are the flag names; flags on the command line win.
 */
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { UsageError } from './errors.js';
import { BadFileError, readFileBounded } from '../io/errors.js';

export interface FlagSpec<S extends z.ZodType = z.ZodType> {
  schema: S;
  help: string;
  /** Shown in --help and used when neither the command line nor a config file sets the flag. */
  default?: string | number | boolean;
  /** Boolean switches take no value. */
  boolean?: boolean;
  short?: string;
}
export type FlagTable = Record<string, FlagSpec>;

/** Declares a flag keeping its schema's type, so parsed values are typed. */
export const flag = <S extends z.ZodType>(spec: FlagSpec<S>): FlagSpec<S> => spec;
export type FlagValues<T extends FlagTable> = { [K in keyof T]: z.infer<T[K]['schema']> };

export interface PositionalSpec {
  name: string;
  help: string;
  optional?: boolean;
  /** The last positional only: it takes one or more values (`<name>...`). */
  variadic?: boolean;
}

export interface ParsedArgs<T extends FlagTable> {
  flags: FlagValues<T>;
  positionals: string[];
  /** Which flags were given explicitly (on the command line or in the config file). */
  explicit: Set<string>;
}

/** --flag-name → flagName (config files may use either). */
export const camel = (s: string) => s.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());

function describeIssue(flag: string, err: z.ZodError, raw: unknown): string {
  const issue = err.issues[0];
  return `--${flag}: ${issue?.message ?? 'invalid value'} (got ${JSON.stringify(raw)})`;
}

export function parseFlags<T extends FlagTable>(argv: string[], table: T, positionals: PositionalSpec[] = [], allowConfig = false): ParsedArgs<T> {
  const options: Record<string, { type: 'string' | 'boolean'; short?: string }> = {};
  for (const [name, spec] of Object.entries(table)) options[name] = { type: spec.boolean ? 'boolean' : 'string', ...(spec.short ? { short: spec.short } : {}) };
  if (allowConfig) options.config = { type: 'string' };
  // --no-X turns a boolean switch off (where a preset or config file turns it on).
  const negated = new Set<string>();
  const args = attachNegatives(argv, options).filter((a) => {
    const name = /^--no-([\w-]+)$/.exec(a)?.[1];
    if (name && options[name]?.type === 'boolean') { negated.add(name); return false; }
    return true;
  });
  let parsed;
  try {
    parsed = parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (e) {
    const unknown = /Unknown option '(-{1,2}[^'=]+)/.exec((e as Error).message)?.[1];
    if (unknown) {
      const near = closestFlag(unknown.replace(/^-+/, ''), Object.keys(options));
      throw new UsageError(`unknown flag ${unknown}${near ? `; did you mean --${near}?` : ''} (allowed: ${Object.keys(options).map((f) => `--${f}`).join(' ')})`);
    }
    const ambiguous = /Option '(--?[\w-]+)[^']*' argument is ambiguous/.exec((e as Error).message);
    if (ambiguous) {
      const value = argv[argv.indexOf(ambiguous[1]) + 1] ?? '-…';
      throw new UsageError(`${ambiguous[1]}: a value starting with '-' must be attached with '=': write ${ambiguous[1]}=${value}`);
    }
    const msg = (e as Error).message.replace(/^.*?: /, '').split('\n')[0];
    throw new UsageError(`${msg}; allowed flags: ${Object.keys(options).map((f) => `--${f}`).join(' ')}`);
  }
  const given: Record<string, unknown> = {};
  const explicit = new Set<string>();
  if (allowConfig && typeof parsed.values.config === 'string') {
    const fromFile = readConfig(parsed.values.config);
    for (const [key, value] of Object.entries(fromFile)) {
      const name = Object.keys(table).find((f) => f === key || camel(f) === key);
      if (!name) throw new UsageError(`config ${parsed.values.config}: unknown key '${key}'; allowed keys: ${Object.keys(table).join(', ')}`);
      given[name] = value;
      explicit.add(name);
    }
  }
  const fromCommandLine = new Set<string>();
  for (const [name, value] of Object.entries(parsed.values)) {
    if (name === 'config') continue;
    if (negated.has(name)) throw new UsageError(`--${name} and --no-${name} both given; keep one`);
    given[name] = value;
    explicit.add(name);
    fromCommandLine.add(name);
  }
  for (const name of negated) { given[name] = false; explicit.add(name); fromCommandLine.add(name); }
  const flags: Record<string, unknown> = {};
  for (const [name, spec] of Object.entries(table)) {
    const raw = name in given ? given[name] : spec.default;
    const r = spec.schema.safeParse(raw);
    if (!r.success) {
      const where = explicit.has(name) && !fromCommandLine.has(name) ? `config ${String(parsed.values.config)}: ` : '';
      throw new UsageError(where + describeIssue(name, r.error, raw));
    }
    flags[name] = r.data;
  }
  const pos = parsed.positionals;
  const required = positionals.filter((p) => !p.optional).length;
  if (pos.length < required) throw new UsageError(`missing argument <${positionals[pos.length].name}>: ${positionals[pos.length].help}`);
  if (pos.length > positionals.length && !positionals.at(-1)?.variadic) throw new UsageError(`unexpected argument '${pos[positionals.length]}'`);
  return { flags: flags as FlagValues<T>, positionals: pos, explicit };
}

/** The flag name closest to a mistyped one: a prefix either way, or within two edits; undefined if none is near. */
function closestFlag(typed: string, names: string[]): string | undefined {
  const prefix = names.filter((n) => typed.startsWith(n) || n.startsWith(typed)).sort((a, b) => b.length - a.length)[0];
  if (prefix) return prefix;
  let best: string | undefined, bestD = 3;
  for (const n of names) {
    const d = editDistance(typed, n);
    if (d < bestD) { best = n; bestD = d; }
  }
  return best;
}

function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = cur;
  }
  return prev[b.length];
}

/** `--lr -1` means `--lr=-1`: a negative number after a flag that takes a value is that value. */
function attachNegatives(argv: string[], options: Record<string, { type: 'string' | 'boolean' }>): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--') { out.push(...argv.slice(i)); break; }
    const name = /^--([\w-]+)$/.exec(a)?.[1];
    if (name && options[name]?.type === 'string' && i + 1 < argv.length && /^-(\d|\.\d|Infinity$)/.test(argv[i + 1])) {
      out.push(`${a}=${argv[++i]}`);
    } else {
      out.push(a);
    }
  }
  return out;
}

/** A config file is a small JSON object; this bounds what is read (e.g. --config /dev/zero). */
const CONFIG_LIMIT = 1 << 20;

function readConfig(path: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileBounded(path, CONFIG_LIMIT).toString('utf8');
  } catch (e) {
    if (e instanceof BadFileError) throw new UsageError(`--config: '${path}' ${e.problem}; expected a JSON file`);
    throw new UsageError(`--config: cannot read '${path}' (${(e as Error).message.replace(/^cannot read [^:]*: /, '')})`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new UsageError(`--config: '${path}' is not valid JSON (${(e as Error).message})`);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new UsageError(`--config: '${path}' must hold one JSON object of flag names to values`);
  return value as Record<string, unknown>;
}

export function flagHelp(table: FlagTable, allowConfig = false): string {
  const rows: [string, string][] = Object.entries(table).map(([name, spec]) => {
    const left = `  ${spec.short ? `-${spec.short}, ` : ''}--${spec.boolean ? '[no-]' : ''}${name}${spec.boolean ? '' : ' <value>'}`;
    const def = spec.default === undefined ? '' : ` (default: ${spec.default})`;
    return [left, spec.help + def];
  });
  if (allowConfig) rows.push(['  --config <file.json>', 'read flag values from a JSON object; command-line flags win']);
  rows.push(['  -h, --help', 'show this help']);
  const width = Math.max(...rows.map(([l]) => l.length)) + 2;
  return rows.map(([l, r]) => l.padEnd(width) + r).join('\n');
}

/**
 * A number from a flag's text or a config value, checked by `ok`; anything else (not a number, Infinity, NaN, an
 * empty value) gets the one message that says what is allowed. (zod's own number type turns Infinity away with
 * "must be a number", which names the wrong fault.)
 */
const numberWhere = (ok: (v: number) => boolean, message: string) =>
  z.union([z.string(), z.number()], { message }).transform((v) => (typeof v === 'string' && v.trim() === '' ? NaN : Number(v)))
    .refine((v) => !Number.isNaN(v) && ok(v), { message });

/** Common schemas, with messages that name the allowed range. */
export const num = {
  int: (min: number, max = Number.MAX_SAFE_INTEGER) =>
    numberWhere((v) => Number.isInteger(v) && v >= min && v <= max, `must be an integer in [${min}, ${max === Number.MAX_SAFE_INTEGER ? '∞' : max}]`),
  positive: () => numberWhere((v) => Number.isFinite(v) && v > 0, 'must be a finite number > 0'),
  nonneg: () => numberWhere((v) => Number.isFinite(v) && v >= 0, 'must be a finite number ≥ 0'),
  range: (lo: number, hi: number) => numberWhere((v) => v >= lo && v <= hi, `must be a number in [${lo}, ${hi}]`),
  /**
   * Accepts 1e8, 100000000 or 1_000_000 style counts, up to `max` (default 1e12): a bound so that no count
   * makes a run endless (beyond 2^53 a loop counter stops counting).
   */
  count: (min: number, max = 1e12) => z.preprocess((v) => (typeof v === 'string' ? Number(v.replace(/_/g, '')) : v),
    z.number({ message: 'must be a number' }).refine((v) => Number.isInteger(v) && v >= min && v <= max, { message: `must be a whole number in [${min}, ${max.toExponential().replace('e+', 'e')}] (e.g. 1e6)` })),
};
export const oneOf = <T extends string>(values: readonly [T, ...T[]]) =>
  z.enum(values, { message: `must be one of ${values.join(', ')}` });
