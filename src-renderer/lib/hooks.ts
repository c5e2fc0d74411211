import { useEffect, useRef, useState } from 'react';

/** The current time, refreshed every `intervalMs` (timers, "overdue" highlighting). */
export function useNow(intervalMs: number): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), intervalMs);
    return () => clearInterval(t);
  }, [intervalMs]);
  return now;
}

/** `value`, once it has stopped changing for `ms`. */
export function useDebounced<T>(value: T, ms: number): T {
  const [debounced, setDebounced] = useState(value);
  useEffect(() => {
    const t = setTimeout(() => setDebounced(value), ms);
    return () => clearTimeout(t);
  }, [value, ms]);
  return debounced;
}

/** Focuses the element whenever `token` changes (after the first render). */
export function useFocusOn<T extends HTMLElement>(token: number): React.RefObject<T | null> {
  const ref = useRef<T>(null);
  const first = useRef(token);
  useEffect(() => {
    if (token !== first.current) ref.current?.focus();
  }, [token]);
  return ref;
}
