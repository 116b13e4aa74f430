import { useMutation, useQueryClient } from "@tanstack/react-query";
import { toNotification } from "../api/normalize";
import { markAllRead, markRead } from "../api/notifications";
import { endpoints, queryKeys } from "../api/queries";
import { useOptionalList } from "./useOptionalResource";

export const useNotifications = () => useOptionalList(queryKeys.notifications, endpoints.notifications, toNotification);

export function useMarkRead() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string | number | "all") => (id === "all" ? markAllRead() : markRead(id)),
    onSettled: () => void queryClient.invalidateQueries({ queryKey: queryKeys.notifications }),
  });
}
