import type { ReactNode } from "react";

interface Props {
  label: string;
  /** Becomes data-testid `site-<site>-<name>` on the number. */
  testId: string;
  value: string;
  detail?: ReactNode;
  tone?: "pv" | "wind" | "load" | "battery" | "grid-import" | "grid-export" | "neutral";
}

/** One labelled number in a site card. */
export function Metric({ label, testId, value, detail, tone = "neutral" }: Props) {
  return (
    <div className={`metric metric--${tone}`}>
      <dt className="metric__label">{label}</dt>
      <dd className="metric__value">
        <span data-testid={testId}>{value}</span>
        {detail ? <span className="metric__detail">{detail}</span> : null}
      </dd>
    </div>
  );
}
