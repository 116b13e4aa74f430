import { useState } from "react";
import { useTranslation } from "react-i18next";
import { Link } from "wouter";
import { billEndpoints, type Bill, type BillPeriod } from "../api/bills";
import { Adjustments } from "../components/Bills/Adjustments";
import { Allocations } from "../components/Bills/Allocations";
import { BillLines } from "../components/Bills/BillLines";
import { BillTotals } from "../components/Bills/BillTotals";
import { MonthPicker } from "../components/Bills/MonthPicker";
import { SiteBills } from "../components/Bills/SiteBills";
import { EmptyState } from "../components/Common/EmptyState";
import { ErrorState } from "../components/Common/ErrorState";
import { Loading } from "../components/Common/Loading";
import { useBill } from "../hooks/useBill";
import { useCommunityTimeZone } from "../hooks/useCommunityTimeZone";
import { useHubClock } from "../hooks/useHubClock";
import { sign } from "../lib/amounts";
import { differsFromBrowser, monthIn } from "../lib/period";

/** Nothing settled in the month: no metered energy, no corrections, nothing due. */
const nothingSettled = (bill: Bill) => bill.import_wh === 0 && bill.export_wh === 0 && bill.adjustments.length === 0 && sign(bill.total) === 0;

/** A household's monthly bill: the month's figures, corrections from late readings, savings, CSV. */
export function BillsPage() {
  const { t } = useTranslation();
  const clock = useHubClock();
  // Until a month is picked, the hub's current month (its clock and the community's calendar).
  const [picked, setPicked] = useState<string | null>(null);
  const period: BillPeriod = picked ? { month: picked } : { current: true };
  const bill = useBill(period);
  // The community's calendar: its month while the bill loads, its clock for every time shown.
  const timeZone = useCommunityTimeZone(bill.data?.community);
  const month = picked ?? bill.data?.month ?? monthIn(clock.now(), timeZone);
  const csv = billEndpoints.billCsv({ month });
  return (
    <div className="stack">
      <div className="market__bar">
        <h1 className="page-title">{t("bills.title")}</h1>
        <Link href="/history" className="button button--ghost button--small">
          {t("bills.toHistory")}
        </Link>
      </div>
      <MonthPicker value={month} onChange={setPicked} />
      {timeZone && differsFromBrowser(timeZone, clock.now()) ? (
        <p className="muted" data-testid="bill-time-zone">
          {t("bills.timeZone", { zone: timeZone })}
        </p>
      ) : null}
      <BillBody query={bill} timeZone={timeZone} />
      {bill.data ? <Allocations span={bill.data} timeZone={timeZone} currency={bill.data.currency} /> : null}
      {bill.data && !nothingSettled(bill.data) ? (
        <p>
          <a className="button" href={csv} download data-testid="bill-csv">
            {t("bills.csv")}
          </a>
        </p>
      ) : null}
    </div>
  );
}

function BillBody({ query, timeZone }: { query: ReturnType<typeof useBill>; timeZone: string | undefined }) {
  const { t } = useTranslation();
  if (query.isPending) return <Loading what={t("bills.what")} />;
  if (query.isError) return <ErrorState what={t("bills.what")} error={query.error} onRetry={() => void query.refetch()} />;
  const bill = query.data;
  if (!bill) return <EmptyState title={t("bills.noSites")}>{t("bills.noSitesHint")}</EmptyState>;
  if (nothingSettled(bill)) {
    return (
      <EmptyState title={t("bills.empty")}>
        <p>{t("bills.emptyHint")}</p>
      </EmptyState>
    );
  }
  return (
    <>
      <section className="card stack" aria-labelledby="bill-heading" data-testid="bill">
        <h2 id="bill-heading" className="section-title">
          {t("bills.household")}
        </h2>
        <BillTotals statement={bill} currency={bill.currency} testId="bill-totals" />
        <BillLines statement={bill} currency={bill.currency} caption={t("bills.household")} testId="bill-lines" />
        <p className="list-item__meta">{t("bills.signs")}</p>
      </section>
      <Adjustments adjustments={bill.adjustments} total={bill.adjustments_total} currency={bill.currency} timeZone={timeZone} />
      <SiteBills sites={bill.sites} currency={bill.currency} />
    </>
  );
}
