/** Resolves with the first SIGINT or SIGTERM; later ones are ignored while shutdown runs. */
export function stopSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const handler = (signal: NodeJS.Signals): void => {
      process.off('SIGINT', handler);
      process.off('SIGTERM', handler);
      // Keep swallowing repeats so a second Ctrl-C does not kill the process mid-shutdown.
      process.on('SIGINT', () => undefined);
      process.on('SIGTERM', () => undefined);
      resolve(signal);
    };
    process.on('SIGINT', handler);
    process.on('SIGTERM', handler);
  });
}

export function sleepMs(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
