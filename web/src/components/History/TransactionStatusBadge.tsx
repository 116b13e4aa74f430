import { useTranslation } from "react-i18next";
import type { Transaction } from "../../api/types";

/** Colour per lifecycle step: waiting, under way, done, short, failed or called off. */
const TONE: Record<Transaction["status"], string> = {
  scheduled: "unknown",
  delivering: "unknown",
  completed: "ok",
  partially_delivered: "warn",
  failed: "off",
  cancelled: "off",
};

/** A trade's status in words, in the chosen language. */
export function TransactionStatusBadge({ status }: { status: Transaction["status"] }) {
  const { t } = useTranslation();
  return (
    <span className={`badge badge--${TONE[status] ?? "unknown"}`} data-testid="transaction-status">
      {t(`transaction.status.${status}`, { defaultValue: status })}
    </span>
  );
}
