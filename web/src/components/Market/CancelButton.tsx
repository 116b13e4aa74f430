import { useTranslation } from "react-i18next";
import type { OrderKind } from "../../api/market";
import { useCancelOrder } from "../../hooks/useOrders";

export function CancelButton({ kind, id }: { kind: OrderKind; id: number }) {
  const { t } = useTranslation();
  const cancel = useCancelOrder(kind);
  return (
    <button
      type="button"
      className="button button--ghost button--small"
      disabled={cancel.isPending}
      onClick={() => cancel.mutate(id)}
    >
      {cancel.isPending ? t("market.cancel.pending") : t(`market.cancel.${kind}`)}
    </button>
  );
}
