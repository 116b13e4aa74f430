/** The same flows as the diagram, as text: readable by screen readers and on tiny screens. */
import type { Reading } from "../../api/types";
import { IDLE_WATTS, formatPower } from "../../lib/format";
import { UNKNOWN_EQUIPMENT, type Equipment } from "../../lib/equipment";
import { splitFlows } from "../../lib/flows";

const LABELS: Record<string, string> = {
  pv_to_home_w: "Solar → home",
  pv_to_battery_w: "Solar → battery",
  pv_to_grid_w: "Solar → grid",
  battery_to_home_w: "Battery → home",
  grid_to_home_w: "Grid → home",
  grid_to_battery_w: "Grid → battery",
};

export function FlowList({ reading, equipment = UNKNOWN_EQUIPMENT }: { reading: Reading | null; equipment?: Equipment }) {
  const { flows } = splitFlows(reading, equipment);
  const label = (name: string) => (LABELS[name] ?? name).replace("Solar", equipment.generationLabel);
  if (flows.length === 0) return null;
  const estimated = flows.some((flow) => flow.derived);
  return (
    <>
      <dl className="flow-list">
        {flows.map((flow) => (
          <div key={flow.name} className={`flow-list__row${flow.watts >= IDLE_WATTS ? " flow-list__row--active" : ""}`}>
            <dt>{label(flow.name)}</dt>
            <dd>
              {formatPower(flow.watts)}
              {flow.derived ? (
                <span className="flow-list__derived" aria-label="estimated">
                  {" *"}
                </span>
              ) : null}
            </dd>
          </div>
        ))}
      </dl>
      {estimated ? <p className="flow-list__note">* estimated from the site's meters</p> : null}
    </>
  );
}
