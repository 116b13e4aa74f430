import { useTranslation } from "react-i18next";
import { useHubClock } from "../../hooks/useHubClock";
import { useNow } from "../../hooks/useNow";
import { formatClockShort } from "../../lib/clock";
import { formatTime } from "../../lib/format";

/**
 * "Demo time · 60× 14:05" while the hub's clock runs faster than the wall clock; nothing otherwise.
 * On narrow screens (styles.css) only "60× · 14:05" shows, so the top bar's other items keep their
 * place; the whole sentence stays in the title and for screen readers.
 */
export function DemoClockBadge() {
  const { t, i18n } = useTranslation();
  const { speed } = useHubClock();
  const now = useNow(1000);
  if (speed === 1) return null;
  const shown = new Intl.NumberFormat(i18n.language, { maximumFractionDigits: 1 }).format(speed);
  const time = formatTime(now, i18n.language);
  const label = t("clock.label", { speed: shown, time });
  return (
    <span className="demo-clock" data-testid="demo-clock" title={label}>
      <span className="visually-hidden">{label}</span>
      <span className="demo-clock__full" aria-hidden="true">
        <span>{t("clock.badge", { speed: shown })}</span> <time dateTime={new Date(now).toISOString()}>{time}</time>
      </span>
      <span className="demo-clock__compact" aria-hidden="true" data-testid="demo-clock-compact">
        {t("clock.compact", { speed: shown, time: formatClockShort(now) })}
      </span>
    </span>
  );
}
