/** A scriptable stand-in for the browser WebSocket, injected through the socket factory. */
import type { WebSocketLike } from "../hooks/useLiveSocket";

export class FakeWebSocket implements WebSocketLike {
  static instances: FakeWebSocket[] = [];

  static reset(): void {
    FakeWebSocket.instances = [];
  }

  static latest(): FakeWebSocket {
    const socket = FakeWebSocket.instances.at(-1);
    if (!socket) throw new Error("no socket was opened");
    return socket;
  }

  static factory = (url: string): WebSocketLike => new FakeWebSocket(url);

  onopen: ((event: Event) => void) | null = null;
  onclose: ((event: CloseEvent) => void) | null = null;
  onerror: ((event: Event) => void) | null = null;
  onmessage: ((event: MessageEvent) => void) | null = null;
  closed = false;
  /** Tests set 0 to model a socket still connecting; undefined behaves like the open state. */
  readyState: number | undefined = undefined;

  constructor(readonly url: string) {
    FakeWebSocket.instances.push(this);
  }

  close(): void {
    this.closed = true;
  }

  // ---- driven by the test ----
  open(): void {
    this.onopen?.(new Event("open"));
  }

  send(data: unknown): void {
    this.onmessage?.(new MessageEvent("message", { data: typeof data === "string" ? data : JSON.stringify(data) }));
  }

  drop(code = 1006): void {
    this.closed = true;
    if (code === 1006) this.onerror?.(new Event("error"));
    this.onclose?.(new CloseEvent("close", { code }));
  }
}
