/**
 * The `eggroll` command line as a function: `main(argv)` resolves to the exit code and has no other
 * effect on the process (bin.ts is the executable that calls it; tests call it in-process). Each
 * command lives in commands/ and declares its flags once (see flags.ts); this file only dispatches,
 * prints help and maps errors to exit codes:
 * 0 success, 2 bad input (one line, no stack), 1 a failure at run time, 130/143 stopped by
 * SIGINT/SIGTERM after a checkpoint. Output errors (a closed pipe, a full disk) end with one line, exit 1.
 */
import { readFileSync } from 'node:fs';
import type { Command } from './command.js';
import { flagHelp } from './flags.js';
import { Interrupted } from './errors.js';
import { BadFileError, FsError, InputError, describeCause, isSystemError } from '../io/errors.js';
import { COMMANDS } from './commands/index.js';

function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

function mainHelp(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length)) + 4;
  return [
    'eggroll — backprop-free training: EGGROLL low-rank evolution strategies, OpenES, integer LMs, Boolean networks',
    '',
    'Usage: eggroll <command> [flags]      eggroll <command> --help',
    '',
    'Commands:',
    ...COMMANDS.map((c) => `  ${c.name.padEnd(width)}${c.summary}`),
    '',
    'Example: eggroll train cartpole --pop 512 --gens 40',
  ].join('\n');
}

export function commandHelp(c: Command): string {
  const pos = (c.positionals ?? []).map((p) => (p.optional ? `[${p.name}]` : `<${p.name}>`) + (p.variadic ? '...' : '')).join(' ');
  const lines = [`eggroll ${c.name} — ${c.summary}`, '', `Usage: eggroll ${c.name}${pos ? ' ' + pos : ''} [flags]`, ''];
  for (const p of c.positionals ?? []) lines.push(`  <${p.name}>  ${p.help}`);
  if (c.positionals?.length) lines.push('');
  lines.push('Flags:', flagHelp(c.flags, c.config), '', `Example: ${c.example}`);
  return lines.join('\n');
}

function find(argv: string[]): { cmd: Command; rest: string[] } | undefined {
  if (argv.length >= 2) {
    const two = COMMANDS.find((c) => c.name === `${argv[0]} ${argv[1]}`);
    if (two) return { cmd: two, rest: argv.slice(2) };
  }
  const one = COMMANDS.find((c) => c.name === argv[0]);
  return one ? { cmd: one, rest: argv.slice(1) } : undefined;
}

export async function main(argv: string[]): Promise<number> {
  if (argv.length === 0 || argv[0] === '--help' || argv[0] === '-h' || argv[0] === 'help') {
    process.stdout.write(mainHelp() + '\n');
    return 0;
  }
  if (argv[0] === '--version' || argv[0] === '-v') {
    process.stdout.write(version() + '\n');
    return 0;
  }
  const found = find(argv);
  if (!found) {
    const group = COMMANDS.filter((c) => c.name.startsWith(argv[0] + ' '));
    if (group.length > 0) {
      // `eggroll lm --help`: the group's commands, each with its purpose (exit 0); a bare or unknown subcommand: exit 2.
      if (argv.length === 2 && (argv[1] === '--help' || argv[1] === '-h')) {
        const width = Math.max(...group.map((c) => c.name.length));
        process.stdout.write([`eggroll ${argv[0]} <command> [flags]      eggroll ${argv[0]} <command> --help`, '', ...group.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`)].join('\n') + '\n');
        return 0;
      }
      process.stderr.write(`eggroll ${argv[0]}: expected one of: ${group.map((c) => c.name.split(' ')[1]).join(', ')} (eggroll ${argv[0]} --help lists them)\n`);
    } else {
      process.stderr.write(`eggroll: unknown command '${argv[0]}'; commands: ${[...new Set(COMMANDS.map((c) => c.name.split(' ')[0]))].join(', ')}\n`);
    }
    return 2;
  }
  const { cmd, rest } = found;
  if (rest.includes('--help') || rest.includes('-h')) {
    process.stdout.write(commandHelp(cmd) + '\n');
    return 0;
  }
  try {
    await cmd.run(rest);
    return 0;
  } catch (e) {
    if (e instanceof InputError || e instanceof BadFileError) {
      process.stderr.write(`eggroll ${cmd.name}: ${e.message}\n`);
      return 2;
    }
    if (e instanceof Interrupted) {
      process.stderr.write(`eggroll ${cmd.name}: ${e.message}\n`);
      return e.code;
    }
    const err = e as Error;
    // File-system errors name the path and the cause in words; others keep their message.
    const message = e instanceof FsError ? err.message
      : isSystemError(e) ? `${e.path ? `cannot ${e.syscall ?? 'use'} ${e.path}: ` : ''}${describeCause(e)}` : err.message;
    process.stderr.write(`eggroll ${cmd.name}: error: ${message}\n`);
    if (process.env.EGGROLL_DEBUG) process.stderr.write((err.stack ?? '') + '\n');
    return 1;
  }
}
