/** Post a request (I need energy) or an offer (I can spare energy) from one of my sites, as that site's kind allows. */
import { useId, useState, type FormEvent } from "react";
import { useTranslation } from "react-i18next";
import type { MarketOverview, SiteSnapshot } from "../../api/types";
import { useErrorText } from "../../hooks/useErrorText";
import { useHubClock } from "../../hooks/useHubClock";
import { useCreateOrder } from "../../hooks/useOrders";
import { addHours, fromLocalInput, nextHour, toLocalInput } from "../../lib/datetime";
import { formatPricePerKwh } from "../../lib/money";
import { buildOrder, priceField, type Urgency } from "../../lib/orderForm";
import { orderKindsFor, sourcesFor, type OrderKind, type Source } from "../../lib/orders";
import { siteTitle } from "../../lib/sites";
import { Field } from "../Auth/Field";
import { FormActions } from "./FormActions";

interface Props {
  /** The caller's own sites. */
  sites: SiteSnapshot[];
  /** Everyone else's sites in the community, to prefer or exclude as partners. */
  neighbours: SiteSnapshot[];
  overview?: MarketOverview | null;
  /** The kind to start with when the site allows it. */
  kind: OrderKind;
  /** The window to start with (a slot booked from the calendar); else the next two hours. */
  window?: { start: Date; end: Date };
  onDone: () => void;
}

const URGENCIES: Urgency[] = ["low", "normal", "high", "critical"];

export function OrderForm({ sites, neighbours, overview, kind: wanted, window: slot, onDone }: Props) {
  const id = useId();
  const { t, i18n } = useTranslation();
  const clock = useHubClock();
  const create = useCreateOrder();
  const [siteId, setSiteId] = useState(sites[0]?.site ?? "");
  const site = sites.find((s) => s.site === siteId);
  const kinds = orderKindsFor(site?.kind);
  const [chosen, setChosen] = useState<OrderKind>(wanted);
  const kind = kinds.includes(chosen) ? chosen : (kinds[0] as OrderKind);
  const sources = sourcesFor(site);
  const [energy, setEnergy] = useState("2");
  const [start, setStart] = useState(() => toLocalInput(slot?.start ?? nextHour(new Date(clock.now()))));
  const [end, setEnd] = useState(() => toLocalInput(slot?.end ?? addHours(nextHour(new Date(clock.now())), 2)));
  const [urgency, setUrgency] = useState<Urgency>("normal");
  const [price, setPrice] = useState<string | null>(null);
  const [greenOnly, setGreenOnly] = useState(false);
  const [maxDistance, setMaxDistance] = useState("");
  const [preferred, setPreferred] = useState<string[]>([]);
  const [excluded, setExcluded] = useState<string[]>([]);
  const [source, setSource] = useState<Source>(sources[0] ?? "solar");
  const [problems, setProblems] = useState<Record<string, string>>({});

  // Until the user types one: the corridor's edge that always trades (retail to buy, feed-in to sell).
  const defaultPrice = (kind === "request" ? overview?.retail_price : overview?.feed_in_price) ?? "";
  const priceText = price ?? defaultPrice;
  const currency = overview?.currency;
  const locale = i18n.language;

  const refusal = useErrorText(create.error);
  const serverFields = refusal.fields;
  const fieldError = (name: string) => (problems[name] ? t(problems[name]) : serverFields[name]);

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const check = buildOrder(
      kind,
      {
        site: siteId,
        energyKwh: energy,
        start: fromLocalInput(start),
        end: fromLocalInput(end),
        price: priceText,
        urgency,
        greenOnly,
        maxDistanceKm: maxDistance,
        preferred,
        excluded,
        source: sources.includes(source) ? source : (sources[0] ?? "solar"),
      },
      { min: overview?.feed_in_price, max: overview?.retail_price },
    );
    if (!check.ok) {
      setProblems(check.errors);
      return;
    }
    setProblems({});
    create.mutate(check.draft, { onSuccess: onDone });
  };

  const shownFields = new Set(["site", "energy_wh", "window_start", "window_end", priceField(kind), "urgency", "green_only", "max_distance_km", "preferred_partners", "excluded_partners", "source"]);
  const generalError =
    create.error && !Object.keys(serverFields).some((name) => shownFields.has(name)) ? refusal.message : null;
  const toggle = (site: string) => (list: string[]) => (list.includes(site) ? list.filter((s) => s !== site) : [...list, site]);
  // The site itself is never its own partner.
  const partners = neighbours.filter((n) => n.site !== siteId);
  const corridor =
    overview != null
      ? t("market.form.corridor", { min: formatPricePerKwh(overview.feed_in_price, currency, locale), max: formatPricePerKwh(overview.retail_price, currency, locale) })
      : undefined;

  return (
    <form className="card order-form" onSubmit={submit} aria-labelledby={`${id}-title`} noValidate>
      <h2 id={`${id}-title`} className="section-title">
        {kind === "request" ? t("market.form.requestTitle") : t("market.form.offerTitle")}
      </h2>
      {sites.length > 1 ? (
        <div className="field">
          <label htmlFor={`${id}-site`}>{t("market.form.site")}</label>
          <select id={`${id}-site`} value={siteId} onChange={(e) => setSiteId(e.target.value)}>
            {sites.map((s) => (
              <option key={s.site} value={s.site}>
                {siteTitle(s)}
              </option>
            ))}
          </select>
          {serverFields.site ? <p className="field__error">{serverFields.site}</p> : null}
        </div>
      ) : (
        <>
          <p className="muted">
            {t("market.form.site")}: <strong>{site ? siteTitle(site) : siteId}</strong>
          </p>
          {serverFields.site ? <p className="field__error">{serverFields.site}</p> : null}
        </>
      )}
      {kinds.length > 1 ? (
        <fieldset className="field choice">
          <legend>{t("market.form.kind")}</legend>
          {kinds.map((k) => (
            <label key={k} className="choice__option">
              <input type="radio" name={`${id}-kind`} value={k} checked={kind === k} onChange={() => setChosen(k)} />{" "}
              {k === "request" ? t("market.form.buy") : t("market.form.sell")}
            </label>
          ))}
        </fieldset>
      ) : (
        <p className="muted" data-testid="order-kind-only">
          {kind === "request" ? t("market.form.onlyRequest") : t("market.form.onlyOffer")}
        </p>
      )}
      <Field
        label={kind === "request" ? t("market.form.energyTotal") : t("market.form.energyPerInterval")}
        type="text"
        inputMode="decimal"
        autoComplete="off"
        required
        value={energy}
        onChange={(e) => setEnergy(e.target.value)}
        error={fieldError("energy_wh")}
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
          hint={t("market.form.windowHint")}
        />
      </div>
      <Field
        label={`${kind === "request" ? t("market.form.highestPrice") : t("market.form.lowestPrice")}${currency ? ` (${currency})` : ""}`}
        type="text"
        inputMode="decimal"
        autoComplete="off"
        required
        value={priceText}
        onChange={(e) => setPrice(e.target.value)}
        hint={corridor}
        error={fieldError(priceField(kind))}
      />
      {kind === "request" ? (
        <>
          <div className="field">
            <label htmlFor={`${id}-urgency`}>{t("market.form.urgency")}</label>
            <select id={`${id}-urgency`} value={urgency} onChange={(e) => setUrgency(e.target.value as Urgency)} aria-describedby={`${id}-urgency-hint`}>
              {URGENCIES.map((u) => (
                <option key={u} value={u}>
                  {t(`market.urgency.${u}`)}
                </option>
              ))}
            </select>
            <p id={`${id}-urgency-hint`} className="field__hint">
              {urgency === "critical" ? t("market.form.criticalHint") : t("market.form.urgencyHint")}
            </p>
            {serverFields.urgency ? <p className="field__error">{serverFields.urgency}</p> : null}
          </div>
          <label className="check">
            <input type="checkbox" checked={greenOnly} onChange={(e) => setGreenOnly(e.target.checked)} /> {t("market.form.greenOnly")}
          </label>
          <Field
            label={t("market.form.maxDistance")}
            type="text"
            inputMode="decimal"
            autoComplete="off"
            value={maxDistance}
            onChange={(e) => setMaxDistance(e.target.value)}
            hint={t("market.form.maxDistanceHint")}
            error={fieldError("max_distance_km")}
          />
          {partners.length > 0 ? (
            <>
              <fieldset className="field choice" aria-describedby={`${id}-preferred-hint`}>
                <legend>{t("market.form.preferred")}</legend>
                <p id={`${id}-preferred-hint`} className="field__hint">
                  {t("market.form.preferredHint")}
                </p>
                {partners.map((n) => (
                  <label key={n.site} className="choice__option">
                    <input type="checkbox" checked={preferred.includes(n.site)} onChange={() => setPreferred(toggle(n.site))} /> {siteTitle(n)}
                  </label>
                ))}
                {fieldError("preferred_partners") ? (
                  <p className="field__error" role="alert">
                    {fieldError("preferred_partners")}
                  </p>
                ) : null}
              </fieldset>
              <fieldset className="field choice">
                <legend>{t("market.form.excluded")}</legend>
                {partners.map((n) => (
                  <label key={n.site} className="choice__option">
                    <input type="checkbox" checked={excluded.includes(n.site)} onChange={() => setExcluded(toggle(n.site))} /> {siteTitle(n)}
                  </label>
                ))}
                {fieldError("excluded_partners") ? <p className="field__error">{fieldError("excluded_partners")}</p> : null}
              </fieldset>
            </>
          ) : null}
        </>
      ) : (
        <div className="field">
          <label htmlFor={`${id}-source`}>{t("market.form.source")}</label>
          <select id={`${id}-source`} value={sources.includes(source) ? source : sources[0]} onChange={(e) => setSource(e.target.value as Source)}>
            {sources.map((s) => (
              <option key={s} value={s}>
                {t(`market.source.${s}`)}
              </option>
            ))}
          </select>
          {serverFields.source ? <p className="field__error">{serverFields.source}</p> : null}
        </div>
      )}
      <FormActions error={generalError} onCancel={onDone} submitting={create.isPending} submitLabel={create.isPending ? t("market.form.posting") : kind === "request" ? t("market.form.postRequest") : t("market.form.postOffer")} />
    </form>
  );
}
