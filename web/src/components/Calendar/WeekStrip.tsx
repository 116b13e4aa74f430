import type { CalendarEntry } from "../../lib/calendar";
import { entriesOn, sameDay } from "../../lib/calendar";

const DAY = new Intl.DateTimeFormat(undefined, { weekday: "short" });
const FULL = new Intl.DateTimeFormat(undefined, { weekday: "long", day: "numeric", month: "long" });

interface Props {
  days: Date[];
  entries: CalendarEntry[];
  selected: Date;
  today: Date;
  onSelect: (day: Date) => void;
}

export function WeekStrip({ days, entries, selected, today, onSelect }: Props) {
  return (
    <ul className="week" aria-label="Next seven days">
      {days.map((day) => {
        const count = entriesOn(entries, day).length;
        const isSelected = sameDay(day, selected);
        return (
          <li key={day.toISOString()}>
            <button
              type="button"
              className={`week__day${sameDay(day, today) ? " week__day--today" : ""}${isSelected ? " week__day--selected" : ""}`}
              aria-pressed={isSelected}
              aria-label={`${FULL.format(day)}: ${count} scheduled`}
              onClick={() => onSelect(day)}
            >
              {DAY.format(day)}
              <span className="week__date">{day.getDate()}</span>
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
