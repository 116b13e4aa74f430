/**
 * Bills and the CSV exports (GET /api/bills, /api/bills.csv, /api/transactions.csv): one query key
 * per bill and the download links. Shapes are the hub's generated ones (BillOut, StatementOut).
 */
import type { components } from "../client/hub.gen";

export type Bill = components["schemas"]["BillOut"];
export type SiteStatement = components["schemas"]["SiteStatementOut"];
/** What the household's bill and each site's share have in common (the hub's StatementOut). */
export type Statement = Omit<SiteStatement, "site">;
export type Adjustment = components["schemas"]["AdjustmentOut"];
export type Figure = components["schemas"]["FigureOut"];

/** A month of the community's calendar ("2026-06"), any period (ISO instants), or the current month. */
export type BillPeriod = { month: string } | { start: string; end: string } | { current: true };

function search(period: BillPeriod): string {
  if ("month" in period) return `?month=${encodeURIComponent(period.month)}`;
  if ("start" in period) return `?start=${encodeURIComponent(period.start)}&end=${encodeURIComponent(period.end)}`;
  return "";
}

export const billEndpoints = {
  bill: (period: BillPeriod) => `/api/bills${search(period)}`,
  billCsv: (period: BillPeriod) => `/api/bills.csv${search(period)}`,
  /** The caller's trades as a spreadsheet, optionally those whose interval starts in [start, end). */
  transactionsCsv: (period?: { start: string; end: string }) => `/api/transactions.csv${period ? search(period) : ""}`,
};

export const billKeys = {
  /** Prefix of every bill: a settlement notification refreshes them all. */
  all: ["bills"] as const,
  bill: (period: BillPeriod) => ["bills", search(period)] as const,
};
