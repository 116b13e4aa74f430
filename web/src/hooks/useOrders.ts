import { useMutation, useQueryClient } from "@tanstack/react-query";
import { cancelOrder, createOrder, type OrderDraft, type OrderKind } from "../api/market";
import { queryKeys } from "../api/queries";
import { useToasts } from "./toasts";

const keyOf = (kind: OrderKind) => (kind === "request" ? queryKeys.requests : queryKeys.offers);

export function useCreateOrder(kind: OrderKind) {
  const queryClient = useQueryClient();
  const { push } = useToasts();
  return useMutation({
    mutationFn: (draft: OrderDraft) => createOrder(kind, draft),
    onSuccess: async () => {
      push({ level: "success", title: kind === "request" ? "Request posted" : "Offer posted" });
      await queryClient.invalidateQueries({ queryKey: keyOf(kind) });
    },
  });
}

export function useCancelOrder(kind: OrderKind) {
  const queryClient = useQueryClient();
  const { push } = useToasts();
  return useMutation({
    mutationFn: (id: string | number) => cancelOrder(kind, id),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: keyOf(kind) }),
    onError: (error) => push({ level: "error", title: "Couldn't cancel", message: error.message }),
  });
}
