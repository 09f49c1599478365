/** Every CLI command, in the order `eggroll --help` lists them. Add a command here. */
import type { Command } from '../command.js';
import { BOOLEAN_COMMANDS } from './boolean.js';
import { benchBoolean } from './bench-boolean.js';
import { benchMathCommand } from './bench-math.js';
import { benchPlaygroundCommand } from './bench-playground.js';
import { benchEsCommand } from './bench-es.js';
import { demoCommand } from './demo.js';
import { benchGemmCommand, benchInt8Command } from './bench-kernels.js';
import { trainCommand, evalCommand, envsCommand } from './rl.js';
import { lmTrainCommand, lmSampleCommand, lmEvalCommand, lmBranchCommand } from './lm.js';
import { benchEggCommand } from './bench-egg.js';
import { benchRlCommand } from './bench-rl.js';
import { workerCommand } from './worker.js';
import { benchClusterCommand } from './bench-cluster.js';
import { serveCommand } from './serve.js';
import { REASON_COMMANDS } from './reason.js';
import { optimizeCommand } from './optimize.js';
import { benchBbobCommand } from './bench-bbob.js';
import { benchStrategiesCommand } from './bench-strategies.js';

export const COMMANDS: Command[] = [
  demoCommand,
  trainCommand,
  evalCommand,
  envsCommand,
  serveCommand,
  benchEsCommand,
  benchGemmCommand,
  benchInt8Command,
  lmTrainCommand,
  lmSampleCommand,
  lmEvalCommand,
  lmBranchCommand,
  benchEggCommand,
  benchRlCommand,
  workerCommand,
  benchClusterCommand,
  ...BOOLEAN_COMMANDS,
  benchBoolean,
  benchMathCommand,
  benchPlaygroundCommand,
  ...REASON_COMMANDS,
  optimizeCommand,
  benchBbobCommand,
  benchStrategiesCommand,
];
