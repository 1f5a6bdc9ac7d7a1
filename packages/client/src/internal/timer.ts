/**
 * Starts a timer: the returned function measures the seconds elapsed since this call,
 * hands them to `record` with the arguments it was given, and returns them.
 */
export function startSecondsTimer<A extends unknown[]>(
  record: (seconds: number, ...args: A) => void,
): (...args: A) => number {
  const start = performance.now();
  return (...args) => {
    const seconds = (performance.now() - start) / 1000;
    record(seconds, ...args);
    return seconds;
  };
}
