import { useTranslation } from "react-i18next";
import type { Statement } from "../../api/bills";
import { formatAmount, negate, sign } from "../../lib/amounts";

/** The total due (or credited), what the same meters would cost grid-only, and the difference. */
export function BillTotals({ statement, currency, testId }: { statement: Statement; currency: string; testId?: string }) {
  const { t, i18n } = useTranslation();
  const locale = i18n.language;
  const money = (text: string) => formatAmount(text, currency, locale);
  const credited = sign(statement.total) === -1;
  const saved = sign(statement.savings);
  return (
    <dl className="bill-totals" data-testid={testId}>
      <div>
        <dt>{credited ? t("bills.credited") : t("bills.due")}</dt>
        <dd data-testid="bill-total">{money(credited ? negate(statement.total) : statement.total)}</dd>
      </div>
      <div>
        <dt>{t("bills.gridOnly")}</dt>
        <dd data-testid="bill-grid-only">{money(statement.grid_only)}</dd>
      </div>
      <div className={`bill-totals__savings${saved === -1 ? " bill-totals__savings--loss" : ""}`}>
        <dt>{saved === -1 ? t("bills.extraCost") : t("bills.savings")}</dt>
        <dd data-testid="bill-savings">{money(saved === -1 ? negate(statement.savings) : statement.savings)}</dd>
      </div>
    </dl>
  );
}
