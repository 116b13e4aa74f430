/**
 * One WebSocket to the hub's /ws, reopened with exponential backoff whenever it closes.
 * Frames are parsed into known events; unknown ones are dropped.
 *
 * The socket signs in with the session cookie the browser sends on the same-origin upgrade;
 * a token never goes in the URL (the hub refuses `?token=`: URLs end up in access logs).
 * The hub closes the socket with 4401 when its session signs out (or never was signed in).
 */
import { useEffect, useRef, useState } from "react";
import { parseEvent, type LiveEvent } from "../api/events";

export type LiveStatus = "connecting" | "live" | "reconnecting";

/** The part of the browser WebSocket we use; tests inject a fake. */
export interface WebSocketLike {
  onopen: ((event: Event) => void) | null;
  onclose: ((event: CloseEvent) => void) | null;
  onerror: ((event: Event) => void) | null;
  onmessage: ((event: MessageEvent) => void) | null;
  /** 0 while connecting (as in the browser's WebSocket). */
  readonly readyState?: number;
  close(code?: number, reason?: string): void;
}

export type SocketFactory = (url: string) => WebSocketLike;

export interface Backoff {
  initialMs: number;
  factor: number;
  maxMs: number;
  /** Fraction of random extra delay (0 … 1), so many clients don't reconnect in lockstep. */
  jitter: number;
}

export const DEFAULT_BACKOFF: Backoff = { initialMs: 500, factor: 2, maxMs: 10_000, jitter: 0.2 };

/** A connection must stay up this long before the backoff starts over (guards against accept-then-close loops). */
export const STABLE_AFTER_MS = 5_000;

export function backoffDelay(attempt: number, backoff: Backoff, random: () => number = Math.random): number {
  const base = Math.min(backoff.maxMs, backoff.initialMs * backoff.factor ** attempt);
  return Math.round(base * (1 + backoff.jitter * random()));
}

export function defaultSocketUrl(location: Pick<Location, "protocol" | "host"> = window.location): string {
  return `${location.protocol === "https:" ? "wss" : "ws"}://${location.host}/ws`;
}

/** Close code the hub sends when the socket has no valid session. */
export const UNAUTHORISED_CLOSE = 4401;

export const browserSocketFactory: SocketFactory = (url) => new WebSocket(url);

export interface LiveSocketOptions {
  onEvent: (event: LiveEvent) => void;
  /** Called on every successful (re)connect, e.g. to refetch what was missed. */
  onOpen?: (reconnected: boolean) => void;
  /** Called with the close code whenever the socket closes (the hub uses 4401 for "sign in first"). */
  onClose?: (code: number) => void;
  url?: string;
  factory?: SocketFactory;
  backoff?: Backoff;
}

export function useLiveSocket({
  onEvent,
  onOpen,
  onClose,
  url,
  factory = browserSocketFactory,
  backoff = DEFAULT_BACKOFF,
}: LiveSocketOptions): LiveStatus {
  const [status, setStatus] = useState<LiveStatus>("connecting");
  const handlers = useRef({ onEvent, onOpen, onClose });
  handlers.current = { onEvent, onOpen, onClose };
  const backoffRef = useRef(backoff);
  backoffRef.current = backoff;

  useEffect(() => {
    const target = url ?? defaultSocketUrl();
    let socket: WebSocketLike | null = null;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let attempt = 0;
    let openedAt: number | null = null;
    let everOpened = false;
    let disposed = false;

    const connect = () => {
      timer = undefined;
      if (disposed) return;
      let next: WebSocketLike;
      try {
        next = factory(target);
      } catch {
        scheduleReconnect();
        return;
      }
      socket = next;
      next.onopen = () => {
        if (disposed || socket !== next) return;
        openedAt = Date.now();
        setStatus("live");
        handlers.current.onOpen?.(everOpened);
        everOpened = true;
      };
      next.onmessage = (message) => {
        if (disposed || socket !== next) return;
        const event = parseEvent(message.data);
        if (event) handlers.current.onEvent(event);
      };
      next.onerror = () => {
        // A close event always follows; reconnecting is handled there.
      };
      next.onclose = (event) => {
        if (disposed || socket !== next) return;
        socket = null;
        handlers.current.onClose?.(event.code);
        if (openedAt !== null && Date.now() - openedAt >= STABLE_AFTER_MS) attempt = 0;
        openedAt = null;
        scheduleReconnect();
      };
    };

    const scheduleReconnect = () => {
      if (disposed || timer !== undefined) return;
      setStatus("reconnecting");
      timer = setTimeout(connect, backoffDelay(attempt, backoffRef.current));
      attempt += 1;
    };

    /** Back online or back in the foreground: don't wait out a long backoff. */
    const retryNow = () => {
      if (disposed || socket !== null || timer === undefined) return;
      if (typeof document !== "undefined" && document.visibilityState === "hidden") return;
      clearTimeout(timer);
      connect();
    };

    connect();
    window.addEventListener("online", retryNow);
    document.addEventListener("visibilitychange", retryNow);

    return () => {
      disposed = true;
      window.removeEventListener("online", retryNow);
      document.removeEventListener("visibilitychange", retryNow);
      if (timer !== undefined) clearTimeout(timer);
      if (socket) {
        const last = socket;
        last.onclose = last.onerror = null;
        last.onmessage = null;
        if (last.readyState === 0) {
          // Closing mid-handshake makes browsers log an error; close once it is open instead.
          last.onopen = () => last.close();
        } else {
          last.onopen = null;
          last.close();
        }
      }
    };
  }, [url, factory]);

  return status;
}
