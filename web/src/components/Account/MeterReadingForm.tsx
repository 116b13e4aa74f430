/**
 * The form for one hand-entered meter reading: a new one, or the correction of one entered before
 * (its values filled in, checked against the readings either side of it).
 */
import { useState, type FormEvent } from "react";
import { useTranslation } from "react-i18next";
import { fromLocalInput, toLocalInput } from "../../lib/datetime";
import { kwhToWh } from "../../lib/energy";
import { useErrorText } from "../../hooks/useErrorText";
import { formatWhen } from "../../lib/format";
import {
  checkReading,
  OPTIONAL_COUNTERS,
  readingBody,
  type Counter,
  type CounterForm,
  type MeterReading,
  type MeterReadingIn,
  type Neighbours,
  type Problem,
} from "../../lib/meterReadings";
import { Field } from "../Auth/Field";

const typedKwh = (wh: number | null | undefined): string => (wh === null || wh === undefined ? "" : String(wh / 1000));

interface Props {
  form: CounterForm;
  neighbours: Neighbours;
  /** The reading being corrected; none for a new one. */
  correcting?: MeterReading;
  pending: boolean;
  error: unknown;
  onSubmit: (body: MeterReadingIn) => void;
  onCancel?: () => void;
}

export function MeterReadingForm({ form, neighbours, correcting, pending, error, onSubmit, onCancel }: Props) {
  const { t, i18n } = useTranslation();
  const locale = i18n.language;
  const [readAt, setReadAt] = useState(() => toLocalInput(correcting ? new Date(correcting.read_at) : new Date()));
  const [typed, setTyped] = useState<Partial<Record<Counter, string>>>(() =>
    Object.fromEntries(form.counters.map((name) => [name, typedKwh(correcting?.[name])])),
  );
  const [problems, setProblems] = useState<Record<string, Problem>>({});

  // The form's own checks first (they quote the neighbours in kWh); then the hub's, from its codes.
  const refused = useErrorText(error);
  const fieldError = (name: string): string | undefined => {
    const problem = problems[name];
    return problem ? t(problem.key, problem.values) : refused.fields[name];
  };
  const generalError = Object.keys(refused.fields).length === 0 ? refused.message : null;

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const when = fromLocalInput(readAt);
    const counters: Partial<Record<Counter, number | null>> = {};
    for (const name of form.counters) {
      const text = (typed[name] ?? "").trim();
      if (text !== "" || !OPTIONAL_COUNTERS.includes(name)) counters[name] = kwhToWh(text);
    }
    const found = checkReading(when, counters, form.counters, neighbours, locale);
    setProblems(found);
    const { import_wh, export_wh, production_wh, wind_wh } = counters;
    if (Object.keys(found).length > 0 || when === null || typeof import_wh !== "number" || typeof export_wh !== "number") return;
    onSubmit(readingBody(when, { import_wh, export_wh, production_wh: production_wh ?? undefined, wind_wh: wind_wh ?? undefined }, form));
  };

  const label = (name: Counter) => t(name === "production_wh" ? form.productionLabel : `meterReadings.${name}`);
  return (
    <form onSubmit={submit} noValidate aria-label={correcting ? t("meterReadings.correcting", { when: formatWhen(correcting.read_at, locale) }) : undefined}>
      {correcting ? <p className="list-item__title">{t("meterReadings.correcting", { when: formatWhen(correcting.read_at, locale) })}</p> : null}
      <Field label={t("meterReadings.readAt")} type="datetime-local" value={readAt} onChange={(e) => setReadAt(e.target.value)} error={fieldError("read_at")} />
      {form.counters.map((name) => (
        <Field
          key={name}
          label={label(name)}
          type="text"
          inputMode="decimal"
          autoComplete="off"
          value={typed[name] ?? ""}
          hint={OPTIONAL_COUNTERS.includes(name) ? t("meterReadings.optional") : undefined}
          onChange={(e) => setTyped((before) => ({ ...before, [name]: e.target.value }))}
          error={fieldError(name)}
        />
      ))}
      {generalError ? (
        <p className="field__error" role="alert">
          {generalError}
        </p>
      ) : null}
      <div className="button-row">
        <button type="submit" className="button" disabled={pending}>
          {correcting ? t("meterReadings.saveCorrection") : t("meterReadings.submit")}
        </button>
        {onCancel ? (
          <button type="button" className="button button--ghost" onClick={onCancel}>
            {t("meterReadings.cancel")}
          </button>
        ) : null}
      </div>
    </form>
  );
}
