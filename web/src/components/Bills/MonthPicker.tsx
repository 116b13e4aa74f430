import { useTranslation } from "react-i18next";
import { shiftMonth } from "../../lib/tradePeriods";

const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;

/** A month (YYYY-MM): the previous and next one a tap away, any other typed or picked. */
export function MonthPicker({ value, onChange }: { value: string; onChange: (month: string) => void }) {
  const { t, i18n } = useTranslation();
  const [year, month] = value.split("-").map(Number) as [number, number];
  const spelled = new Intl.DateTimeFormat(i18n.language, { year: "numeric", month: "long" }).format(new Date(year, month - 1, 1));
  return (
    <div className="month-picker" role="group" aria-label={t("bills.monthPicker")}>
      <button type="button" className="button button--ghost button--small" onClick={() => onChange(shiftMonth(value, -1))} aria-label={t("bills.previousMonth")}>
        ‹
      </button>
      <label className="month-picker__field">
        <span className="visually-hidden">{t("bills.month")}</span>
        <input
          type="month"
          value={value}
          min="1970-01"
          max="2999-12"
          onChange={(event) => MONTH.test(event.target.value) && onChange(event.target.value)}
          data-testid="bill-month"
        />
      </label>
      <button type="button" className="button button--ghost button--small" onClick={() => onChange(shiftMonth(value, 1))} aria-label={t("bills.nextMonth")}>
        ›
      </button>
      <span className="visually-hidden" aria-live="polite">
        {spelled}
      </span>
    </div>
  );
}
