import { sendJson } from "./client";

export function markRead(id: string | number): Promise<unknown> {
  return sendJson("POST", `/api/notifications/${encodeURIComponent(String(id))}/read`);
}

export function markAllRead(): Promise<unknown> {
  return sendJson("POST", "/api/notifications/read-all");
}
