import { useMemo } from "react";
import { useTranslation } from "react-i18next";
import type { CalendarEntry } from "../../lib/calendar";
import { entriesOn, sameDay } from "../../lib/calendar";

interface Props {
  days: Date[];
  entries: CalendarEntry[];
  selected: Date;
  today: Date;
  onSelect: (day: Date) => void;
}

export function WeekStrip({ days, entries, selected, today, onSelect }: Props) {
  const { t, i18n } = useTranslation();
  const locale = i18n.language;
  const [short, full] = useMemo(
    () => [
      new Intl.DateTimeFormat(locale, { weekday: "short" }),
      new Intl.DateTimeFormat(locale, { weekday: "long", day: "numeric", month: "long" }),
    ],
    [locale],
  );
  return (
    <ul className="week" aria-label={t("calendar.week")}>
      {days.map((day) => {
        const count = entriesOn(entries, day).length;
        const isSelected = sameDay(day, selected);
        return (
          <li key={day.toISOString()}>
            <button
              type="button"
              className={`week__day${sameDay(day, today) ? " week__day--today" : ""}${isSelected ? " week__day--selected" : ""}`}
              aria-pressed={isSelected}
              onClick={() => onSelect(day)}
            >
              {/* The name starts with what the button shows (voice control users say it), then the full sentence. */}
              {short.format(day)}
              <span className="week__date">{day.getDate()}</span>
              <span className="visually-hidden"> {t("calendar.dayCount", { day: full.format(day), count })}</span>
              <span className="week__count" aria-hidden="true">
                {count > 0 ? "•".repeat(Math.min(count, 3)) : "\u00a0"}
              </span>
            </button>
          </li>
        );
      })}
    </ul>
  );
}
