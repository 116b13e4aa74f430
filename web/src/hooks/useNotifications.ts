import { useMutation, useQueryClient } from "@tanstack/react-query";
import { markAllRead, markRead } from "../api/notifications";
import { endpoints, queryKeys } from "../api/queries";
import type { AppNotification } from "../api/types";
import { useList } from "./useList";

export const useNotifications = () => useList<AppNotification>(queryKeys.notifications, endpoints.notifications);

export function useMarkRead() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: number | "all"): Promise<unknown> => (id === "all" ? markAllRead() : markRead(id)),
    onSettled: () => void queryClient.invalidateQueries({ queryKey: queryKeys.notifications }),
  });
}
