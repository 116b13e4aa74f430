import { useMemo } from "react";
import { useTranslation } from "react-i18next";
import { useSites } from "../../hooks/useSites";
import { explain, renderLine, type Explanation as ExplanationData, type OrderSide } from "../../lib/explanations";
import { siteNames } from "../../lib/sites";

interface Props {
  side: OrderSide;
  /** Null or absent: the order hasn't been through a market clearing yet. */
  explanation: ExplanationData | null | undefined;
  currency?: string;
}

/** Why an order was (or wasn't) matched at the last clearing, in the active language. */
export function Explanation({ side, explanation, currency }: Props) {
  const { t, i18n } = useTranslation();
  const sites = useSites();
  const names = useMemo(() => siteNames(sites.data), [sites.data]);
  const locale = i18n.language;
  const lines = explain(side, explanation, { locale, currency, siteNames: names });
  const say = (key: string, values?: Record<string, string>) => t(key, values ?? {});
  const main = lines.filter((line) => !line.rest);
  const rest = lines.filter((line) => line.rest);
  return (
    <div className="explanation" data-testid="explanation">
      {main.map((line, i) => (
        <p key={i} className="explanation__line">
          {renderLine(line, say, locale)}
        </p>
      ))}
      {rest.length > 0 ? (
        <p className="explanation__line explanation__rest">
          <span className="explanation__rest-label">{t("explanation.rest")}</span>{" "}
          {rest.map((line) => renderLine(line, say, locale)).join(" ")}
        </p>
      ) : null}
    </div>
  );
}
