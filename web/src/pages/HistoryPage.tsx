import { useMemo, useState } from "react";
import { useTranslation } from "react-i18next";
import { Link } from "wouter";
import type { Transaction } from "../api/types";
import { QueryState } from "../components/Common/QueryState";
import { Segmented } from "../components/Common/Segmented";
import { TradedPeriod } from "../components/History/TradedPeriod";
import { TransactionCard } from "../components/History/TransactionCard";
import { useHubClock } from "../hooks/useHubClock";
import { useTransactions } from "../hooks/useMarket";
import { useSites } from "../hooks/useSites";
import { PERIOD_KINDS, periodOf, type PeriodKind } from "../lib/tradePeriods";

const HOUR_MS = 3_600_000;
/** Newest interval first; among one interval's trades the newest made. */
const newestFirst = (a: Transaction, b: Transaction) =>
  b.window_start.localeCompare(a.window_start) || (b.created_at ?? "").localeCompare(a.created_at ?? "") || b.id - a.id;

export function HistoryPage() {
  const { t } = useTranslation();
  const transactions = useTransactions();
  const sites = useSites();
  const clock = useHubClock();
  const [kind, setKind] = useState<PeriodKind>("day");
  const own = useMemo(() => new Set((sites.data ?? []).filter((s) => s.mine !== false).map((s) => s.site)), [sites.data]);
  // The hub's time (demo time in a demo); the period moves on once an hour.
  const hour = Math.floor(clock.now() / HOUR_MS);
  const period = useMemo(() => periodOf(kind, hour * HOUR_MS + HOUR_MS - 1), [kind, hour]);
  const items = useMemo(() => (transactions.data ?? []).slice().sort(newestFirst), [transactions.data]);
  return (
    <div className="stack">
      <div className="market__bar">
        <h1 className="page-title">{t("history.title")}</h1>
        <Link href="/bills" className="button button--ghost button--small" data-testid="to-bills">
          {t("history.toBills")}
        </Link>
      </div>
      <section className="card stack" aria-labelledby="traded-heading">
        <h2 id="traded-heading" className="section-title">
          {t("history.traded")}
        </h2>
        <Segmented
          label={t("history.periodLabel")}
          idPrefix="history-period"
          value={kind}
          onChange={setKind}
          options={PERIOD_KINDS.map((key) => ({ key, label: t(`history.period.${key}`) }))}
        />
        <div role="tabpanel" id={`history-period-panel-${kind}`} aria-labelledby={`history-period-tab-${kind}`}>
          <TradedPeriod period={period} transactions={items} own={own} />
        </div>
      </section>
      <section aria-labelledby="transactions-heading" className="stack">
        <h2 id="transactions-heading" className="section-title">
          {t("history.transactions")}
        </h2>
        <QueryState
          query={{ ...transactions, data: transactions.data === undefined ? undefined : items }}
          what={t("history.what")}
          empty={t("history.empty")}
          emptyHint={<p>{t("history.emptyHint")}</p>}
        >
          {(list) => (
            <ul className="list" aria-label={t("history.transactions")}>
              {list.map((transaction) => (
                <li key={transaction.id}>
                  <TransactionCard transaction={transaction} />
                </li>
              ))}
            </ul>
          )}
        </QueryState>
      </section>
    </div>
  );
}
