import { sendJson } from "./client";
import type { AppNotification } from "./types";
import type { components } from "../client/hub.gen";

export function markRead(id: number): Promise<AppNotification> {
  return sendJson("POST", `/api/notifications/${id}/read`);
}

/** How many were marked read. */
export function markAllRead(): Promise<components["schemas"]["MarkedRead"]> {
  return sendJson("POST", "/api/notifications/read-all");
}
