/** One own site's standing orders (rules the market turns into orders each interval): list, add, delete. */
import { useId, useState, type FormEvent } from "react";
import { useTranslation } from "react-i18next";
import type { MarketOverview, SiteSnapshot, StandingOrder } from "../../api/types";
import { useErrorText } from "../../hooks/useErrorText";
import { useStandingOrders } from "../../hooks/useMarket";
import { useCreateStandingOrder, useDeleteStandingOrder } from "../../hooks/useOrders";
import { checkPrice, formatPricePerKwh, normalisePrice } from "../../lib/money";
import { standingKindsFor, type StandingKind } from "../../lib/orders";
import { siteTitle } from "../../lib/sites";
import { Field } from "../Auth/Field";
import { FormActions } from "./FormActions";

function StandingItem({ order, site, currency }: { order: StandingOrder; site: string; currency?: string }) {
  const { t, i18n } = useTranslation();
  const remove = useDeleteStandingOrder(site);
  const parts = [
    t(`market.standing.kind.${order.kind}`),
    `${order.kind === "buy_deficit" ? t("market.standing.upTo") : t("market.standing.atLeast")} ${formatPricePerKwh(order.price, currency, i18n.language)}`,
    order.min_soc_pct !== null ? t("market.standing.keep", { pct: order.min_soc_pct }) : null,
    order.from_hour !== null && order.to_hour !== null ? t("market.standing.hours", { from: order.from_hour, to: order.to_hour }) : null,
    order.active ? null : t("market.standing.paused"),
  ].filter((x): x is string => x !== null);
  return (
    <li className="list-item__row standing__item" data-testid={`standing-${order.id}`}>
      <span>{parts.join(" · ")}</span>
      <button
        type="button"
        className="button button--ghost button--small"
        disabled={remove.isPending}
        aria-label={t("market.standing.deleteLabel", { kind: t(`market.standing.kind.${order.kind}`) })}
        onClick={() => remove.mutate(order.id)}
      >
        {t("market.standing.delete")}
      </button>
    </li>
  );
}

function StandingForm({ site, overview, onDone }: { site: SiteSnapshot; overview?: MarketOverview | null; onDone: () => void }) {
  const id = useId();
  const { t } = useTranslation();
  const kinds = standingKindsFor(site);
  const [kind, setKind] = useState<StandingKind>(kinds[0] ?? "buy_deficit");
  const [price, setPrice] = useState<string | null>(null);
  const [minSoc, setMinSoc] = useState("30");
  const [fromHour, setFromHour] = useState("17");
  const [toHour, setToHour] = useState("22");
  const [problems, setProblems] = useState<Record<string, string>>({});
  const create = useCreateStandingOrder(site.site);
  const priceText = price ?? (kind === "buy_deficit" ? overview?.retail_price : overview?.feed_in_price) ?? "";
  const refusal = useErrorText(create.error);
  const server = refusal.fields;
  const error = (name: string) => (problems[name] ? t(problems[name]) : server[name]);
  const battery = kind === "sell_battery";

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const found: Record<string, string> = {};
    const problem = checkPrice(priceText, { min: overview?.feed_in_price, max: overview?.retail_price });
    if (problem) found.price = `market.form.errors.price.${problem}`;
    const int = (text: string, max: number) => (/^\d+$/.test(text.trim()) && Number(text) <= max ? Number(text) : null);
    const soc = int(minSoc, 100);
    const from = int(fromHour, 23);
    const to = int(toHour, 24);
    if (battery && soc === null) found.min_soc_pct = "market.standing.errors.soc";
    if (battery && from === null) found.from_hour = "market.standing.errors.hour";
    if (battery && to === null) found.to_hour = "market.standing.errors.hour";
    setProblems(found);
    const exact = normalisePrice(priceText);
    if (Object.keys(found).length > 0 || exact === null) return;
    create.mutate(
      battery ? { kind, price: exact, min_soc_pct: soc, from_hour: from, to_hour: to, active: true } : { kind, price: exact, active: true },
      { onSuccess: onDone },
    );
  };

  const general = create.error && Object.keys(server).length === 0 ? refusal.message : null;
  return (
    <form className="order-form" onSubmit={submit} aria-label={t("market.standing.formLabel", { site: siteTitle(site) })} noValidate>
      <div className="field">
        <label htmlFor={`${id}-kind`}>{t("market.standing.kindLabel")}</label>
        <select id={`${id}-kind`} value={kind} onChange={(e) => setKind(e.target.value as StandingKind)}>
          {kinds.map((k) => (
            <option key={k} value={k}>
              {t(`market.standing.kind.${k}`)}
            </option>
          ))}
        </select>
        {server.kind ? <p className="field__error">{server.kind}</p> : null}
      </div>
      <Field
        label={kind === "buy_deficit" ? t("market.form.highestPrice") : t("market.form.lowestPrice")}
        type="text"
        inputMode="decimal"
        autoComplete="off"
        value={priceText}
        onChange={(e) => setPrice(e.target.value)}
        error={error("price")}
      />
      {battery ? (
        <div className="order-form__row">
          <Field label={t("market.standing.minSoc")} type="number" inputMode="numeric" min="0" max="100" value={minSoc} onChange={(e) => setMinSoc(e.target.value)} error={error("min_soc_pct")} />
          <Field label={t("market.standing.fromHour")} type="number" inputMode="numeric" min="0" max="23" value={fromHour} onChange={(e) => setFromHour(e.target.value)} error={error("from_hour")} />
          <Field label={t("market.standing.toHour")} type="number" inputMode="numeric" min="0" max="24" value={toHour} onChange={(e) => setToHour(e.target.value)} error={error("to_hour")} />
        </div>
      ) : null}
      <FormActions error={general} onCancel={onDone} submitting={create.isPending} submitLabel={t("market.standing.save")} />
    </form>
  );
}

export function StandingOrders({ site, overview }: { site: SiteSnapshot; overview?: MarketOverview | null }) {
  const { t } = useTranslation();
  const orders = useStandingOrders(site.site);
  const [adding, setAdding] = useState(false);
  const titleId = useId();
  const list = orders.data ?? [];
  return (
    <section className="card standing" aria-labelledby={titleId} data-testid={`standing-site-${site.site}`}>
      <h3 id={titleId} className="subsection-title">
        {siteTitle(site)}
      </h3>
      {orders.isPending ? <p className="muted">{t("common.loading", { what: t("market.standing.what") })}</p> : null}
      {orders.isError ? <p className="list-item__problem">{t("common.couldNotLoad", { what: t("market.standing.what") })}</p> : null}
      {!orders.isPending && list.length === 0 ? <p className="muted">{t("market.standing.none")}</p> : null}
      {list.length > 0 ? (
        <ul className="list standing__list" aria-label={t("market.standing.listLabel", { site: siteTitle(site) })}>
          {list.map((order) => (
            <StandingItem key={order.id} order={order} site={site.site} currency={overview?.currency} />
          ))}
        </ul>
      ) : null}
      {adding ? (
        <StandingForm site={site} overview={overview} onDone={() => setAdding(false)} />
      ) : (
        <button type="button" className="button button--ghost button--small" onClick={() => setAdding(true)}>
          {t("market.standing.add")}
        </button>
      )}
    </section>
  );
}
