/**
 * Live data: a loader run now, again every `intervalMs` after the last one settled (never two at
 * once), and on demand; the last good value stays on screen while a later load fails.
 * @module
 */
import { useCallback, useEffect, useRef, useState } from "preact/hooks";

export interface Polled<T> {
  data: T | undefined;
  error: unknown;
  /** When the data shown was read, Unix ms. */
  updatedAt: number | undefined;
  refresh(): void;
}

export function usePoll<T>(
  load: (signal: AbortSignal) => Promise<T>,
  intervalMs: number,
  deps: readonly unknown[],
): Polled<T> {
  const [state, setState] = useState<Omit<Polled<T>, "refresh">>({
    data: undefined,
    error: undefined,
    updatedAt: undefined,
  });
  const trigger = useRef<() => void>(() => {});
  useEffect(() => {
    // Another queue or topic: nothing of the last one stays on screen.
    setState({ data: undefined, error: undefined, updatedAt: undefined });
    const stop = new AbortController();
    let timer: ReturnType<typeof setTimeout> | undefined;
    let running = false;
    let again = false;
    const run = async () => {
      if (running) {
        again = true;
        return;
      }
      running = true;
      clearTimeout(timer);
      try {
        const data = await load(stop.signal);
        if (!stop.signal.aborted) setState({ data, error: undefined, updatedAt: Date.now() });
      } catch (error) {
        if (!stop.signal.aborted) setState((s) => ({ ...s, error }));
      }
      running = false;
      if (stop.signal.aborted) return;
      if (again) {
        again = false;
        void run();
      } else if (intervalMs > 0) {
        timer = setTimeout(run, intervalMs);
      }
    };
    trigger.current = () => void run();
    void run();
    return () => {
      stop.abort();
      clearTimeout(timer);
    };
  }, deps);

  const refresh = useCallback(() => trigger.current(), []);
  return { ...state, refresh };
}
