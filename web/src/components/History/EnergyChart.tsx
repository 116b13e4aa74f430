/** Hourly bars over a fixed window: production (solar and wind) next to consumption, drawn by uPlot. */
import { useCallback, useMemo } from "react";
import { useTranslation } from "react-i18next";
import type { HistoryPoint } from "../../api/types";
import { BarChart, type ChartSeries } from "./BarChart";

const HOUR_MS = 3_600_000;

interface Props {
  points: HistoryPoint[];
  /** First hour of the window; bars sit at their hour, gaps stay empty. */
  from: Date;
  hours: number;
  title: string;
}

export function EnergyChart({ points, from, hours, title }: Props) {
  const { t, i18n } = useTranslation();
  const locale = i18n.language;
  const slots = useMemo(() => Array.from({ length: hours }, (_, i) => from.getTime() + i * HOUR_MS), [from, hours]);
  const series = useMemo((): ChartSeries[] => {
    const produced = slots.map(() => 0);
    const used = slots.map(() => 0);
    for (const p of points) {
      const index = Math.floor((Date.parse(p.start) - from.getTime()) / HOUR_MS);
      if (index < 0 || index >= hours) continue;
      produced[index] = p.production_kwh;
      used[index] = p.consumption_kwh;
    }
    return [
      { label: t("energy.produced"), colour: "pv", values: produced },
      { label: t("energy.used"), colour: "load", values: used },
    ];
  }, [points, from, hours, slots, t]);
  const hourFormat = useMemo(() => new Intl.DateTimeFormat(locale, { hour: "2-digit" }), [locale]);
  const slotLabel = useCallback((start: number) => hourFormat.format(start), [hourFormat]);
  return (
    <BarChart
      title={title}
      slots={slots}
      slotLabel={slotLabel}
      series={series}
      locale={locale}
      empty={t("energy.noEnergy")}
      testId="energy-chart"
    />
  );
}
