import { useCallback, useMemo } from "react";
import { useTranslation } from "react-i18next";
import { billEndpoints } from "../../api/bills";
import type { Transaction } from "../../api/types";
import { useBill } from "../../hooks/useBill";
import { formatKwh } from "../../lib/explanations";
import { tradedPerSlot, type Period } from "../../lib/tradePeriods";
import { BillLines } from "../Bills/BillLines";
import { BarChart, type ChartSeries } from "./BarChart";

const kwh = (wh: number) => wh / 1000;

/**
 * One period of History: kWh bought from and sold to neighbours per hour or day (delivered, from
 * the trades), the period's settled figures (the hub's bill for it) and both as CSV.
 */
export function TradedPeriod({ period, transactions, own }: { period: Period; transactions: Transaction[]; own: ReadonlySet<string> }) {
  const { t, i18n } = useTranslation();
  const locale = i18n.language;
  const span = useMemo(() => ({ start: period.start.toISOString(), end: period.end.toISOString() }), [period]);
  const bill = useBill(span, own.size > 0);
  const traded = useMemo(() => tradedPerSlot(transactions, own, period), [transactions, own, period]);
  const series = useMemo(
    (): ChartSeries[] => [
      { label: t("history.bought"), colour: "load", values: traded.bought.map(kwh) },
      { label: t("history.sold"), colour: "export", values: traded.sold.map(kwh) },
    ],
    [traded, t],
  );
  const format = useMemo(
    () => new Intl.DateTimeFormat(locale, period.kind === "day" ? { hour: "2-digit" } : { day: "numeric", month: "numeric" }),
    [locale, period.kind],
  );
  const slotLabel = useCallback((start: number) => format.format(start), [format]);
  return (
    <div className="stack">
      <BarChart
        title={t(`history.chart.${period.kind}`)}
        slots={period.slots}
        slotLabel={slotLabel}
        series={series}
        locale={locale}
        empty={t("history.noTrades")}
        testId="traded-chart"
      />
      <p className="list-item__meta" data-testid="traded-totals">
        {t("history.tradedTotals", { bought: formatKwh(traded.tradedBought, locale), sold: formatKwh(traded.tradedSold, locale) })}
      </p>
      {bill.data ? (
        <BillLines statement={bill.data} currency={bill.data.currency} caption={t("history.periodFigures")} testId="period-figures" />
      ) : null}
      <div className="button-row">
        <a className="button button--ghost button--small" href={billEndpoints.billCsv(span)} download data-testid="period-csv">
          {t("history.periodCsv")}
        </a>
        <a className="button button--ghost button--small" href={billEndpoints.transactionsCsv(span)} download data-testid="transactions-csv">
          {t("history.transactionsCsv")}
        </a>
      </div>
    </div>
  );
}
