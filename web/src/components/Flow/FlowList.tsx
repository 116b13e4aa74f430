/** The same flows as the diagram, as text: readable by screen readers and on tiny screens. */
import { useTranslation } from "react-i18next";
import type { Reading } from "../../api/types";
import { IDLE_WATTS, formatPower } from "../../lib/format";
import { UNKNOWN_EQUIPMENT, type Equipment } from "../../lib/equipment";
import { splitFlows } from "../../lib/flows";
import { nodeNames } from "./FlowDiagram";

export function FlowList({ reading, equipment = UNKNOWN_EQUIPMENT }: { reading: Reading | null; equipment?: Equipment }) {
  const { t } = useTranslation();
  const { flows, windApart } = splitFlows(reading, equipment);
  if (flows.length === 0) return null;
  const names = nodeNames(t, equipment, windApart);
  return (
    <dl className="flow-list" aria-label={t("flow.list")}>
      {flows.map((flow) => (
        <div
          key={flow.name}
          className={`flow-list__row${flow.watts !== null && flow.watts >= IDLE_WATTS ? " flow-list__row--active" : ""}`}
          data-testid={`flow-list-${flow.name}`}
        >
          <dt>{t("flow.edge", { from: names[flow.from], to: names[flow.to] })}</dt>
          <dd>{formatPower(flow.watts)}</dd>
        </div>
      ))}
    </dl>
  );
}
