/** Post a request (I need energy) or an offer (I can spare energy) from one of my sites. */
import { useId, useState, type FormEvent } from "react";
import { useTranslation } from "react-i18next";
import { ApiError } from "../../api/client";
import type { OrderKind } from "../../api/market";
import type { Community, SiteSnapshot } from "../../api/types";
import { useHubClock } from "../../hooks/useHubClock";
import { useCreateOrder } from "../../hooks/useOrders";
import { addHours, fromLocalInput, nextHour, toLocalInput } from "../../lib/datetime";
import { siteTitle } from "../../lib/sites";
import { Field } from "../Auth/Field";

interface Props {
  kind: OrderKind;
  sites: SiteSnapshot[];
  community?: Community;
  onDone: () => void;
}

type Urgency = "low" | "normal" | "high";

export function OrderForm({ kind, sites, community, onDone }: Props) {
  const id = useId();
  const { t } = useTranslation();
  const clock = useHubClock();
  const create = useCreateOrder(kind);
  const [site, setSite] = useState(sites[0]?.site ?? "");
  const [amount, setAmount] = useState("2");
  const [start, setStart] = useState(() => toLocalInput(nextHour(new Date(clock.now()))));
  const [end, setEnd] = useState(() => toLocalInput(addHours(nextHour(new Date(clock.now())), 2)));
  const [urgency, setUrgency] = useState<Urgency>("normal");
  const defaultPrice = kind === "request" ? community?.retail_price_per_kwh : community?.feed_in_price_per_kwh;
  const [price, setPrice] = useState(defaultPrice !== undefined ? String(defaultPrice) : "");
  const [problems, setProblems] = useState<Record<string, string>>({});

  const serverFields = create.error instanceof ApiError ? create.error.fields : {};
  const priceField = kind === "request" ? "max_price_per_kwh" : "min_price_per_kwh";
  const fieldError = (name: string) => problems[name] ?? serverFields[name];

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const found: Record<string, string> = {};
    const amountKwh = Number(amount);
    const priceValue = Number(price);
    const from = fromLocalInput(start);
    const until = fromLocalInput(end);
    if (!(amountKwh > 0)) found.amount_kwh = t("market.form.errors.amount");
    if (price === "" || !(priceValue >= 0)) found[priceField] = t("market.form.errors.price");
    if (!from) found.window_start = t("market.form.errors.start");
    if (!until) found.window_end = t("market.form.errors.end");
    else if (from && until <= from) found.window_end = t("market.form.errors.endBeforeStart");
    setProblems(found);
    if (Object.keys(found).length > 0 || !from || !until) return;
    create.mutate(
      { site, amount_kwh: amountKwh, window_start: from, window_end: until, price_per_kwh: priceValue, urgency },
      { onSuccess: onDone },
    );
  };

  const generalError = create.error && Object.keys(serverFields).length === 0 ? create.error.message : null;
  const currency = community?.currency ? ` (${community.currency})` : "";
  const title = kind === "request" ? t("market.form.requestTitle") : t("market.form.offerTitle");

  return (
    <form className="card order-form" onSubmit={submit} aria-labelledby={`${id}-title`} noValidate>
      <h2 id={`${id}-title`} className="section-title">
        {title}
      </h2>
      {sites.length > 1 ? (
        <div className="field">
          <label htmlFor={`${id}-site`}>{kind === "request" ? t("market.form.forSite") : t("market.form.fromSite")}</label>
          <select id={`${id}-site`} value={site} onChange={(e) => setSite(e.target.value)}>
            {sites.map((s) => (
              <option key={s.site} value={s.site}>
                {siteTitle(s)}
              </option>
            ))}
          </select>
        </div>
      ) : (
        <p className="muted">
          {kind === "request" ? t("market.form.for") : t("market.form.from")} <strong>{sites[0] ? siteTitle(sites[0]) : site}</strong>
        </p>
      )}
      <Field
        label={t("market.form.amount")}
        type="number"
        inputMode="decimal"
        min="0.1"
        step="0.1"
        required
        value={amount}
        onChange={(e) => setAmount(e.target.value)}
        error={fieldError("amount_kwh")}
      />
      <div className="order-form__row">
        <Field
          label={t("market.form.start")}
          type="datetime-local"
          required
          value={start}
          onChange={(e) => setStart(e.target.value)}
          error={fieldError("window_start")}
        />
        <Field
          label={t("market.form.end")}
          type="datetime-local"
          required
          value={end}
          onChange={(e) => setEnd(e.target.value)}
          error={fieldError("window_end")}
        />
      </div>
      {kind === "request" ? (
        <div className="field">
          <label htmlFor={`${id}-urgency`}>{t("market.form.urgency")}</label>
          <select id={`${id}-urgency`} value={urgency} onChange={(e) => setUrgency(e.target.value as Urgency)}>
            <option value="low">{t("market.urgency.low")}</option>
            <option value="normal">{t("market.urgency.normal")}</option>
            <option value="high">{t("market.urgency.high")}</option>
          </select>
        </div>
      ) : null}
      <Field
        label={`${kind === "request" ? t("market.form.highestPrice") : t("market.form.lowestPrice")}${currency}`}
        type="number"
        inputMode="decimal"
        min="0"
        step="0.01"
        required
        value={price}
        onChange={(e) => setPrice(e.target.value)}
        error={fieldError(priceField)}
      />
      {generalError ? (
        <p className="auth__error" role="alert">
          {generalError}
        </p>
      ) : null}
      <div className="order-form__actions">
        <button type="button" className="button button--ghost" onClick={onDone}>
          {t("market.form.cancel")}
        </button>
        <button type="submit" className="button" disabled={create.isPending}>
          {create.isPending ? t("market.form.posting") : kind === "request" ? t("market.form.postRequest") : t("market.form.postOffer")}
        </button>
      </div>
    </form>
  );
}
