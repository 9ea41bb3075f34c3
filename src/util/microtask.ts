const settled = Promise.resolve();

/**
 * Runs fn on a microtask, in the same queue and order as queueMicrotask. Node's
 * queueMicrotask wraps every callback in an AsyncResource and a bound function, about
 * 1 KB per call (V8's sampling heap profiler, on a peer under load); a reaction on a
 * settled promise is one small job. The hot paths that defer work by a microtask (a
 * transport's kick per peer per turn, an inbound queue's wake, a peer's encode-ahead) use
 * this. If fn throws, the error surfaces as an unhandled rejection, which stops the
 * process as an uncaught exception from queueMicrotask would.
 */
export function onMicrotask(fn: () => void): void {
  void settled.then(fn);
}
