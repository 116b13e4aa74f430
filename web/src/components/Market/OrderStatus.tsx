import { useTranslation } from "react-i18next";
import { orderStatusKey } from "../../lib/orders";
import { StatusBadge } from "../Common/StatusBadge";

/** A request's or offer's state in words, e.g. "Waiting for a match" for an open one. */
export function OrderStatus({ status }: { status?: string }) {
  const { t } = useTranslation();
  const key = orderStatusKey(status);
  return <StatusBadge status={status} label={key ? t(key) : status} />;
}
