/** The experiment layer: the one run loop and its clock, under every experiment (rl/, egg/, reason/). */
export { runLoop, RunStopped, clusterColumns, clusterProgress, type LoopExperiment, type LoopOptions, type LoopEnd } from './loop.js';
export { RunClock } from './clock.js';
