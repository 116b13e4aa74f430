import { useTranslation } from "react-i18next";
import type { Figure, Statement } from "../../api/bills";
import { formatAmount } from "../../lib/amounts";
import { formatKwh } from "../../lib/explanations";

/** The statement's items in the order a resident reads them; ex-post lines only when used. */
const LINES = [
  "bought_from_neighbours",
  "allocation_received",
  "bought_from_grid",
  "sold_to_neighbours",
  "allocation_given",
  "sold_to_grid",
  "grid_fees",
] as const satisfies readonly (keyof Statement)[];

type Line = (typeof LINES)[number];
const SOMETIMES = new Set<Line>(["allocation_received", "allocation_given"]);

/** What was bought and sold, kWh and amount per line, as the hub settled it (> 0 paid, < 0 earned). */
export function BillLines({ statement, currency, caption, testId }: { statement: Statement; currency: string; caption: string; testId?: string }) {
  const { t, i18n } = useTranslation();
  const locale = i18n.language;
  const shown = LINES.filter((line) => !SOMETIMES.has(line) || (statement[line] as Figure).energy_wh !== 0);
  return (
    <table className="bill-lines" data-testid={testId}>
      <caption className="visually-hidden">{caption}</caption>
      <thead>
        <tr>
          <th scope="col">{t("bills.line")}</th>
          <th scope="col">{t("bills.energy")}</th>
          <th scope="col">{t("bills.amount")}</th>
        </tr>
      </thead>
      <tbody>
        {shown.map((line) => {
          const figure = statement[line] as Figure;
          return (
            <tr key={line} data-testid={`bill-${line}`}>
              <th scope="row">{t(`bills.lines.${line}`)}</th>
              <td>{line === "grid_fees" ? "" : formatKwh(figure.energy_wh, locale)}</td>
              <td>{formatAmount(figure.amount, currency, locale)}</td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
