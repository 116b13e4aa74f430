import { useTranslation } from "react-i18next";
import type { Reading } from "../../api/types";
import type { SiteQuantityName } from "../../client/site.gen";
import { UNKNOWN_EQUIPMENT, type Equipment } from "../../lib/equipment";
import { formatBattery, formatGrid, formatPercent, formatPower, gridDirection } from "../../lib/format";
import { readValue } from "../../lib/reading";
import { Metric } from "./Metric";

/** A quantity is shown when the site reports it at all (possibly as null → "—"). */
const reports = (reading: Reading, name: SiteQuantityName) => name in reading.values;

interface Props {
  site: string;
  reading: Reading;
  /** Declared equipment: absent devices are left out even though the reading carries their fields. */
  equipment?: Equipment;
}

export function SiteMetrics({ site, reading, equipment = UNKNOWN_EQUIPMENT }: Props) {
  const { t } = useTranslation();
  /** An English word from lib/format or lib/equipment in the active language (as is when unknown). */
  const word = (text: string) => (text ? t(`site.word.${text.toLowerCase()}`, { defaultValue: text }) : text);
  const id = (name: string) => `site-${site}-${name}`;
  const grid = readValue(reading, "grid_w");
  const gridText = formatGrid(grid);
  const battery = formatBattery(readValue(reading, "battery_w"));
  const direction = gridDirection(grid);

  // An agent that reports wind_w keeps it apart; an older one folds wind into pv_w.
  const windApart = reports(reading, "wind_w");
  const showSolar = equipment.generation !== false && (!windApart || equipment.solar !== false);

  return (
    <dl className="metrics">
      {showSolar && reports(reading, "pv_w") ? (
        <Metric
          label={word(windApart ? "Solar" : equipment.generationLabel)}
          tone="pv"
          testId={id("pv_w")}
          value={formatPower(readValue(reading, "pv_w"))}
        />
      ) : null}
      {windApart && equipment.wind !== false ? (
        <Metric label={word("Wind")} tone="wind" testId={id("wind_w")} value={formatPower(readValue(reading, "wind_w"))} />
      ) : null}
      {reports(reading, "load_w") ? (
        <Metric label={t("site.home")} tone="load" testId={id("load_w")} value={formatPower(readValue(reading, "load_w"))} />
      ) : null}
      {equipment.battery !== false && reports(reading, "battery_w") ? (
        <Metric label={t("site.battery")} tone="battery" testId={id("battery_w")} value={battery.value} detail={word(battery.label)} />
      ) : null}
      {equipment.battery !== false && reports(reading, "soc_pct") ? (
        <Metric label={t("site.charge")} tone="battery" testId={id("soc_pct")} value={formatPercent(readValue(reading, "soc_pct"))} />
      ) : null}
      {reports(reading, "grid_w") ? (
        <Metric
          label={t("site.grid")}
          tone={direction === "export" ? "grid-export" : direction === "import" ? "grid-import" : "neutral"}
          testId={id("grid_w")}
          value={gridText.value}
          detail={word(gridText.label)}
        />
      ) : null}
    </dl>
  );
}
