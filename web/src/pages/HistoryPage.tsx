import type { Transaction } from "../api/types";
import { QueryState } from "../components/Common/QueryState";
import { TransactionCard } from "../components/History/TransactionCard";
import { useTransactions } from "../hooks/useMarket";
import { usePageTitle } from "../hooks/usePageTitle";

const newestFirst = (a: Transaction, b: Transaction) => (b.created_at ?? "").localeCompare(a.created_at ?? "");

export function HistoryPage() {
  usePageTitle("History");
  const transactions = useTransactions();
  return (
    <div>
      <h1 className="page-title">History</h1>
      <QueryState
        query={transactions}
        what="transactions"
        empty="No transactions yet"
        emptyHint={
          <p>
            Every energy trade of your sites is listed here once the market matches a request with an offer.
          </p>
        }
      >
        {(items) => (
          <ul className="list" aria-label="Transactions">
            {items
              .slice()
              .sort(newestFirst)
              .map((transaction) => (
                <li key={transaction.id}>
                  <TransactionCard transaction={transaction} />
                </li>
              ))}
          </ul>
        )}
      </QueryState>
    </div>
  );
}
