/** `eggroll serve`: the playground (dist/playground, built by `npm run build`) on 127.0.0.1 with COOP/COEP. */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Command } from '../command.js';
import { flag, num, parseFlags } from '../flags.js';
import { log } from '../output.js';
import { startStaticServer } from '../static-server.js';
import { UsageError } from '../errors.js';

/** dist/playground from dist/cli/commands/serve.js and from src/cli/commands/serve.ts alike (both three levels down). */
export const PLAYGROUND_DIR = fileURLToPath(new URL('../../../dist/playground/', import.meta.url));

/** Throws unless the playground is built (dist/playground/index.html). */
export function requirePlayground(): void {
  if (!existsSync(`${PLAYGROUND_DIR}index.html`)) throw new Error(`the playground is not built (${PLAYGROUND_DIR} has no index.html); run npm run build`);
}

const flags = {
  port: flag({ schema: num.int(0, 65535), default: 8080, help: 'TCP port on 127.0.0.1 (0: any free port)' }),
  'max-seconds': flag({ schema: num.nonneg(), default: 0, help: 'stop after this many seconds (0: run until Ctrl-C)' }),
};

export const serveCommand: Command = {
  name: 'serve',
  summary: 'serve the playground (train an environment with EGGROLL or OpenES in a Web Worker) on 127.0.0.1',
  example: 'eggroll serve --port 8080',
  flags,
  async run(argv) {
    const { flags: f } = parseFlags(argv, flags);
    requirePlayground();
    let s;
    try {
      s = await startStaticServer(PLAYGROUND_DIR, f.port);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'EADDRINUSE' || code === 'EACCES') throw new UsageError(`--port ${f.port}: ${code === 'EADDRINUSE' ? 'already in use' : 'not allowed'}; choose another port, or 0 for any free one`);
      throw e;
    }
    log(`serving the playground from ${PLAYGROUND_DIR} (loopback only, cross-origin isolated); Ctrl-C stops it`);
    process.stdout.write(`${s.url}\n`);
    await new Promise<void>((done) => {
      process.once('SIGINT', () => done());
      process.once('SIGTERM', () => done());
      if (f['max-seconds'] > 0) setTimeout(done, f['max-seconds'] * 1000).unref();
    });
    await s.close();
  },
};
