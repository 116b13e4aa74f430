/**
 * A notification in words of the chosen language, from its `kind` and `data` (hub/notify.py and
 * the settler send them); the hub's own English title and body stand in for kinds not known here.
 * Pure: the translate function, locale, currency and site names come in.
 */
import { formatAmount } from "./amounts";
import { formatKwh } from "./explanations";
import { formatWhen } from "./format";

export interface NotificationLike {
  kind?: string;
  title?: string;
  message?: string;
  data?: Record<string, unknown>;
}

export interface TextContext {
  t: (key: string, values?: Record<string, unknown>) => string;
  locale: string;
  currency?: string;
  siteName?: (id: string) => string;
}

export interface NotificationText {
  title?: string;
  message?: string;
}

const TRANSACTION_STATUSES = new Set(["scheduled", "delivering", "completed", "partially_delivered", "failed", "cancelled"]);

const num = (value: unknown): number => (typeof value === "number" && Number.isFinite(value) ? value : 0);
const text = (value: unknown): string | undefined => (typeof value === "string" && value !== "" ? value : undefined);

/** "settlement": one per site and interval, what it delivered or received and what that came to. */
function settlement(data: Record<string, unknown>, ctx: TextContext): NotificationText {
  const { t, locale } = ctx;
  const sold = num(data.sold_wh);
  const bought = num(data.bought_wh);
  const revision = num(data.revision);
  const kwh = (wh: number) => formatKwh(wh, locale);
  const money = (value: unknown) => formatAmount(text(value), ctx.currency, locale);
  const title =
    revision > 1
      ? t("notify.settlement.corrected")
      : data.shortfall === true
        ? t("notify.settlement.shortfall", { energy: kwh(sold + bought) })
        : t("notify.settlement.delivered", { energy: kwh(sold + bought) });
  const parts: string[] = [];
  if (sold) parts.push(t("notify.settlement.sold", { energy: kwh(sold), amount: money(data.earned) }));
  if (bought) parts.push(t("notify.settlement.bought", { energy: kwh(bought), amount: money(data.paid) }));
  if (parts.length === 0) parts.push(t("notify.settlement.nothing"));
  const site = text(data.site);
  const interval = text(data.interval);
  const message = t("notify.settlement.body", {
    site: site ? (ctx.siteName?.(site) ?? site) : "",
    when: interval ? formatWhen(interval, locale) : "",
    what: parts.join(t("notify.settlement.separator")),
  });
  return { title, message };
}

export function notificationText(n: NotificationLike, ctx: TextContext): NotificationText {
  const data = n.data ?? {};
  switch (n.kind) {
    case "settlement":
      return settlement(data, ctx);
    case "transaction": {
      const status = text(data.status);
      if (!status || !TRANSACTION_STATUSES.has(status)) break;
      return { title: ctx.t("notify.transaction", { status: ctx.t(`transaction.status.${status}`) }), message: n.message };
    }
    case "dispatch":
      return { title: ctx.t("notify.dispatch"), message: n.message };
  }
  return { title: n.title, message: n.message };
}
