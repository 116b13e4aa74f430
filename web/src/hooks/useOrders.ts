import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { cancelOrder, createOrder, createStandingOrder, deleteStandingOrder, type OrderDraft, type OrderKind } from "../api/market";
import { queryKeys } from "../api/queries";
import type { StandingOrderCreate } from "../api/types";
import { useToasts } from "./toasts";
import { useErrorWording } from "./useErrorText";

const keyOf = (kind: OrderKind) => (kind === "request" ? queryKeys.requests : queryKeys.offers);

export function useCreateOrder() {
  const queryClient = useQueryClient();
  const { push } = useToasts();
  const { t } = useTranslation();
  return useMutation({
    mutationFn: (draft: OrderDraft) => createOrder(draft),
    onSuccess: async (_order, draft) => {
      push({ level: "success", title: draft.kind === "request" ? t("market.form.requestPosted") : t("market.form.offerPosted") });
      await queryClient.invalidateQueries({ queryKey: keyOf(draft.kind) });
    },
  });
}

export function useCancelOrder(kind: OrderKind) {
  const queryClient = useQueryClient();
  const { push } = useToasts();
  const { t } = useTranslation();
  const wording = useErrorWording();
  return useMutation({
    mutationFn: (id: number) => cancelOrder(kind, id),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: keyOf(kind) }),
    onError: (error) => push({ level: "error", title: t("market.cancel.failed"), message: wording(error) }),
  });
}

export function useCreateStandingOrder(site: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: StandingOrderCreate) => createStandingOrder(site, body),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: queryKeys.standingOrders(site) }),
  });
}

export function useDeleteStandingOrder(site: string) {
  const queryClient = useQueryClient();
  const { push } = useToasts();
  const { t } = useTranslation();
  const wording = useErrorWording();
  return useMutation({
    mutationFn: (id: number) => deleteStandingOrder(id),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: queryKeys.standingOrders(site) }),
    onError: (error) => push({ level: "error", title: t("market.standing.deleteFailed"), message: wording(error) }),
  });
}
