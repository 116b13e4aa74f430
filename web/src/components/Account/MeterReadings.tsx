/**
 * Meter readings entered by hand, for a site whose meter has no agent: the counters read off the
 * meter (kWh, sent as whole Wh) and when, and the readings entered before. The hub spreads the
 * energy between two readings over the intervals between them and settles it like any other.
 */
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useId, useState, type FormEvent } from "react";
import { useTranslation } from "react-i18next";
import { ApiError, getJson, sendJson } from "../../api/client";
import type { components } from "../../client/hub.gen";
import { fromLocalInput, toLocalInput } from "../../lib/datetime";
import { kwhToWh } from "../../lib/energy";
import { formatWhen } from "../../lib/format";
import { Field } from "../Auth/Field";

type MeterReading = components["schemas"]["MeterReadingOut"];
type MeterReadingIn = components["schemas"]["MeterReadingIn"];

const path = (site: string) => `/api/sites/${encodeURIComponent(site)}/meter-readings`;
const key = (site: string) => ["meter-readings", site] as const;

type Counter = "import_wh" | "export_wh";
const COUNTERS: Counter[] = ["import_wh", "export_wh"];

/** The form's messages: each an i18n key with its values, so it follows the chosen language. */
type Problem = { key: string; values?: Record<string, string> };

export function meterKwh(wh: number, locale: string): string {
  return `${(wh / 1000).toLocaleString(locale, { maximumFractionDigits: 3 })} kWh`;
}

/** What is wrong with the typed values against the newest reading, before asking the hub. */
export function checkReading(
  readAt: string | null,
  counters: Record<Counter, number | null>,
  previous: MeterReading | undefined,
  locale: string,
): Record<string, Problem> {
  const problems: Record<string, Problem> = {};
  if (readAt === null) problems.read_at = { key: "meterReadings.errors.when" };
  else if (previous && Date.parse(readAt) <= Date.parse(previous.read_at))
    problems.read_at = { key: "meterReadings.errors.notAfter", values: { when: formatWhen(previous.read_at, locale) } };
  for (const name of COUNTERS) {
    const value = counters[name];
    if (value === null) problems[name] = { key: "meterReadings.errors.kwh" };
    else if (previous && value < previous[name])
      problems[name] = { key: "meterReadings.errors.backwards", values: { previous: meterKwh(previous[name], locale) } };
  }
  return problems;
}

/** The hub's refusal of a field, in the chosen language where the form knows what it means. */
function serverProblem(field: string, previous: MeterReading | undefined, locale: string): Problem | null {
  if (field === "read_at")
    return previous
      ? { key: "meterReadings.errors.readAtServer", values: { when: formatWhen(previous.read_at, locale) } }
      : { key: "meterReadings.errors.future" };
  if ((field === "import_wh" || field === "export_wh") && previous)
    return { key: "meterReadings.errors.backwards", values: { previous: meterKwh(previous[field], locale) } };
  return null;
}

export function MeterReadings({ site }: { site: string }) {
  const id = useId();
  const { t, i18n } = useTranslation();
  const locale = i18n.language;
  const queryClient = useQueryClient();
  const readings = useQuery({ queryKey: key(site), queryFn: ({ signal }) => getJson<MeterReading[]>(path(site), signal) });
  const add = useMutation({
    mutationFn: (body: MeterReadingIn) => sendJson<MeterReading>("POST", path(site), body),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: key(site) }),
  });
  const [readAt, setReadAt] = useState(() => toLocalInput(new Date()));
  const [typed, setTyped] = useState<Record<Counter, string>>({ import_wh: "", export_wh: "" });
  const [problems, setProblems] = useState<Record<string, Problem>>({});
  const previous = readings.data?.[0];

  const serverFields = add.error instanceof ApiError ? add.error.fields : {};
  const fieldError = (name: string): string | undefined => {
    const problem = problems[name] ?? (serverFields[name] ? serverProblem(name, previous, locale) : null);
    if (problem) return t(problem.key, problem.values);
    return serverFields[name];
  };
  const generalError = add.error && Object.keys(serverFields).length === 0 ? add.error.message : null;

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const when = fromLocalInput(readAt);
    const counters = { import_wh: kwhToWh(typed.import_wh), export_wh: kwhToWh(typed.export_wh) };
    const found = checkReading(when, counters, previous, locale);
    setProblems(found);
    if (Object.keys(found).length > 0 || when === null || counters.import_wh === null || counters.export_wh === null) return;
    add.reset();
    add.mutate({ read_at: when, import_wh: counters.import_wh, export_wh: counters.export_wh });
  };

  return (
    <section className="card stack" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`} className="section-title">
        {t("meterReadings.title", { site })}
      </h2>
      <p className="muted">{t("meterReadings.intro")}</p>
      <form onSubmit={submit} noValidate>
        <Field label={t("meterReadings.readAt")} type="datetime-local" value={readAt} onChange={(e) => setReadAt(e.target.value)} error={fieldError("read_at")} />
        {COUNTERS.map((name) => (
          <Field
            key={name}
            label={t(`meterReadings.${name}`)}
            type="text"
            inputMode="decimal"
            autoComplete="off"
            value={typed[name]}
            onChange={(e) => setTyped((before) => ({ ...before, [name]: e.target.value }))}
            error={fieldError(name)}
          />
        ))}
        {generalError ? (
          <p className="field__error" role="alert">
            {generalError}
          </p>
        ) : null}
        <button type="submit" className="button" disabled={add.isPending}>
          {t("meterReadings.submit")}
        </button>
      </form>
      {readings.data && readings.data.length > 0 ? (
        <table className="table">
          <caption>{t("meterReadings.past")}</caption>
          <thead>
            <tr>
              <th scope="col">{t("meterReadings.readAt")}</th>
              <th scope="col">{t("meterReadings.import_wh")}</th>
              <th scope="col">{t("meterReadings.export_wh")}</th>
            </tr>
          </thead>
          <tbody>
            {readings.data.map((r) => (
              <tr key={r.read_at}>
                <td>{formatWhen(r.read_at, locale)}</td>
                <td>{meterKwh(r.import_wh, locale)}</td>
                <td>{meterKwh(r.export_wh, locale)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <p className="muted">{t("meterReadings.none")}</p>
      )}
    </section>
  );
}
