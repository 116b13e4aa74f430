import { orderStatusLabel } from "../../lib/orders";
import { StatusBadge } from "../Common/StatusBadge";

/** A request's or offer's state in words, e.g. "Waiting for a match" for an open one. */
export function OrderStatus({ status }: { status?: string }) {
  return <StatusBadge status={status} label={orderStatusLabel(status)} />;
}
