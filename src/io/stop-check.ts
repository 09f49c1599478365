/**
 * The training loops' stop check at a generation/step boundary: first let the event loop dispatch a signal
 * (Ctrl-C, SIGTERM) that arrived during the long synchronous step, then ask `shouldStop` (cli/signals.ts).
 *
 * Why two turns: Node delivers signals in the event loop's poll phase. When the loop resumes from a poll
 * callback (a worker's message, a file read), one setImmediate runs in the check phase right after it, before
 * any new poll, and the handler is seen one step late. The second setImmediate runs in the next loop
 * iteration, after that iteration's poll has dispatched every pending signal.
 */
export async function stopRequested(shouldStop?: () => string | undefined): Promise<string | undefined> {
  if (!shouldStop) return undefined;
  await new Promise((res) => setImmediate(res));
  await new Promise((res) => setImmediate(res));
  return shouldStop();
}
