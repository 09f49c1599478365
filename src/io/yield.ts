/**
 * Yield to the event loop so that a signal (Ctrl-C, SIGTERM) that arrived during a long synchronous step
 * reaches its handler before the run loop checks whether to stop.
 *
 * Why two turns: Node delivers signals in the event loop's poll phase. When the caller resumes from a poll
 * callback (a worker's message, a write), one setImmediate runs in the check phase right after it, before
 * any new poll, and the handler is seen one step late. The second setImmediate runs in the next loop
 * iteration, after that iteration's poll has dispatched every pending signal.
 */
export async function yieldForSignals(): Promise<void> {
  await new Promise((res) => setImmediate(res));
  await new Promise((res) => setImmediate(res));
}
