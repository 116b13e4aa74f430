/**
 * Meter readings entered by hand, for a site whose meter has no agent: the counters read off the
 * meter (kWh, sent as whole Wh) and when, and the readings entered before, each of which its owner
 * can correct or delete. The hub spreads the energy between two readings over the intervals between
 * them and settles it like any other; a correction or deletion settles those intervals again.
 */
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useId, useMemo, useState } from "react";
import { useTranslation } from "react-i18next";
import { getJson, sendJson } from "../../api/client";
import { useErrorText } from "../../hooks/useErrorText";
import { useSites } from "../../hooks/useSites";
import { equipmentOf, UNKNOWN_EQUIPMENT } from "../../lib/equipment";
import { formatWhen } from "../../lib/format";
import { counterForm, meterKwh, neighboursIn, type MeterReading, type MeterReadingIn } from "../../lib/meterReadings";
import { MeterReadingForm } from "./MeterReadingForm";

const path = (site: string) => `/api/sites/${encodeURIComponent(site)}/meter-readings`;
const readingPath = (site: string, id: number) => `${path(site)}/${id}`;
const key = (site: string) => ["meter-readings", site] as const;

type Done = "added" | "corrected" | "withdrawn";

export function MeterReadings({ site }: { site: string }) {
  const id = useId();
  const { t, i18n } = useTranslation();
  const locale = i18n.language;
  const queryClient = useQueryClient();
  const readings = useQuery({ queryKey: key(site), queryFn: ({ signal }) => getJson<MeterReading[]>(path(site), signal) });
  const sites = useSites();
  const snapshot = sites.data?.find((s) => s.site === site);
  const list = useMemo(() => readings.data ?? [], [readings.data]);
  const form = useMemo(() => counterForm(snapshot ? equipmentOf(snapshot) : UNKNOWN_EQUIPMENT, snapshot?.kind, list), [snapshot, list]);

  const [editing, setEditing] = useState<number | null>(null);
  const [confirming, setConfirming] = useState<number | null>(null);
  const [done, setDone] = useState<Done | null>(null);
  // A new form (fresh values) after each saved reading: the key changes.
  const [round, setRound] = useState(0);
  const settled = (what: Done) => {
    setDone(what);
    setEditing(null);
    setConfirming(null);
    setRound((n) => n + 1);
    return queryClient.invalidateQueries({ queryKey: key(site) });
  };
  const add = useMutation({
    mutationFn: (body: MeterReadingIn) => sendJson<MeterReading>("POST", path(site), body),
    onSuccess: () => settled("added"),
  });
  const correct = useMutation({
    mutationFn: ({ reading, body }: { reading: number; body: MeterReadingIn }) => sendJson<MeterReading>("PUT", readingPath(site, reading), body),
    onSuccess: () => settled("corrected"),
  });
  const withdraw = useMutation({
    mutationFn: (reading: number) => sendJson<void>("DELETE", readingPath(site, reading)),
    onSuccess: () => settled("withdrawn"),
  });

  const withdrawRefused = useErrorText(withdraw.error);
  const correcting = list.find((r) => r.id === editing);
  const columns = form.counters;
  const label = (name: (typeof columns)[number]) => t(name === "production_wh" ? form.productionLabel : `meterReadings.${name}`);
  return (
    <section className="card stack" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`} className="section-title">
        {t("meterReadings.title", { site })}
      </h2>
      <p className="muted">{t("meterReadings.intro")}</p>
      {correcting ? (
        <MeterReadingForm
          key={`correct-${correcting.id}`}
          form={form}
          neighbours={neighboursIn(list, correcting.id)}
          correcting={correcting}
          pending={correct.isPending}
          error={correct.error}
          onSubmit={(body) => {
            correct.reset();
            correct.mutate({ reading: correcting.id, body });
          }}
          onCancel={() => {
            correct.reset();
            setEditing(null);
          }}
        />
      ) : (
        <MeterReadingForm
          key={`add-${round}-${form.counters.join()}`}
          form={form}
          neighbours={neighboursIn(list)}
          pending={add.isPending}
          error={add.error}
          onSubmit={(body) => {
            add.reset();
            add.mutate(body);
          }}
        />
      )}
      {done && done !== "added" ? (
        <p role="status" className="muted">
          {t(`meterReadings.${done}`)}
        </p>
      ) : null}
      {withdraw.error ? (
        <p className="field__error" role="alert">
          {withdrawRefused.message}
        </p>
      ) : null}
      {list.length > 0 ? (
        <>
          {/* Up to six columns: on a phone the table scrolls sideways instead of widening the page. */}
          <div style={{ overflowX: "auto" }}>
            <table className="table">
              <caption>{t("meterReadings.past")}</caption>
              <thead>
                <tr>
                  <th scope="col">{t("meterReadings.readAt")}</th>
                  {columns.map((name) => (
                    <th key={name} scope="col">
                      {label(name)}
                    </th>
                  ))}
                  <th scope="col">{t("meterReadings.actions")}</th>
                </tr>
              </thead>
              <tbody>
                {list.map((r) => {
                  const when = formatWhen(r.read_at, locale);
                  return (
                    <tr key={r.id} data-testid={`meter-reading-${r.id}`}>
                      <td>{when}</td>
                      {columns.map((name) => {
                        const wh = r[name];
                        return <td key={name}>{wh === null || wh === undefined ? "—" : meterKwh(wh, locale)}</td>;
                      })}
                      <td>
                        {confirming === r.id ? (
                          <span className="button-row">
                            <span>{t("meterReadings.confirmWithdraw")}</span>
                            <button type="button" className="button button--small" disabled={withdraw.isPending} onClick={() => withdraw.mutate(r.id)}>
                              {t("meterReadings.confirm")}
                            </button>
                            <button type="button" className="button button--ghost button--small" onClick={() => setConfirming(null)}>
                              {t("meterReadings.cancel")}
                            </button>
                          </span>
                        ) : (
                          <span className="button-row">
                            <button
                              type="button"
                              className="button button--ghost button--small"
                              aria-label={t("meterReadings.correctLabel", { when })}
                              onClick={() => {
                                setDone(null);
                                setEditing(r.id);
                              }}
                            >
                              {t("meterReadings.correct")}
                            </button>
                            <button
                              type="button"
                              className="button button--ghost button--small"
                              aria-label={t("meterReadings.withdrawLabel", { when })}
                              onClick={() => {
                                setDone(null);
                                withdraw.reset();
                                setConfirming(r.id);
                              }}
                            >
                              {t("meterReadings.withdraw")}
                            </button>
                          </span>
                        )}
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
          <p className="list-item__meta">{t("meterReadings.resettleNote")}</p>
        </>
      ) : (
        <p className="muted">{t("meterReadings.none")}</p>
      )}
    </section>
  );
}
