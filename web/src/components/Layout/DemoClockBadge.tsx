import { useTranslation } from "react-i18next";
import { useHubClock } from "../../hooks/useHubClock";
import { useNow } from "../../hooks/useNow";
import { formatTime } from "../../lib/format";

/** "Demo time · 60× 14:05" while the hub's clock runs faster than the wall clock; nothing otherwise. */
export function DemoClockBadge() {
  const { t, i18n } = useTranslation();
  const { speed } = useHubClock();
  const now = useNow(1000);
  if (speed === 1) return null;
  const shown = new Intl.NumberFormat(i18n.language, { maximumFractionDigits: 1 }).format(speed);
  const time = formatTime(now, i18n.language);
  return (
    <span className="demo-clock" data-testid="demo-clock" title={t("clock.label", { speed: shown, time })}>
      <span>{t("clock.badge", { speed: shown })}</span> <time dateTime={new Date(now).toISOString()}>{time}</time>
    </span>
  );
}
