/** Resolves on a later turn of the event loop, after pending I/O: long work yields with it. */
export function nextTurn(): Promise<void> {
  return new Promise<void>((resolve) => setImmediate(resolve));
}
