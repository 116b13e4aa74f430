import { useTranslation } from "react-i18next";
import { formatKwh } from "../../lib/explanations";

/** How much of an order neighbours and the grid have covered so far. */
export function OrderProgress({ filledWh, gridWh }: { filledWh: number; gridWh: number }) {
  const { t, i18n } = useTranslation();
  if (filledWh <= 0 && gridWh <= 0) return null;
  return (
    <p className="list-item__meta order-progress">
      {t("market.filled", { energy: formatKwh(filledWh, i18n.language) })}
      {gridWh > 0 ? ` · ${t("market.grid", { energy: formatKwh(gridWh, i18n.language) })}` : null}
    </p>
  );
}
