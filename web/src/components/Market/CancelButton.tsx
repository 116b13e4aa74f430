import type { OrderKind } from "../../api/market";
import { useCancelOrder } from "../../hooks/useOrders";

export function CancelButton({ kind, id }: { kind: OrderKind; id: string | number }) {
  const cancel = useCancelOrder(kind);
  return (
    <button
      type="button"
      className="button button--ghost button--small"
      disabled={cancel.isPending}
      onClick={() => cancel.mutate(id)}
    >
      {cancel.isPending ? "Cancelling…" : `Cancel ${kind}`}
    </button>
  );
}
