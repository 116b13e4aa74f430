/** A small tab switcher (WAI-ARIA tabs pattern, arrow keys move between tabs). */
import type { KeyboardEvent } from "react";

interface Props<K extends string> {
  label: string;
  options: ReadonlyArray<{ key: K; label: string }>;
  value: K;
  onChange: (key: K) => void;
  idPrefix: string;
}

export function Segmented<K extends string>({ label, options, value, onChange, idPrefix }: Props<K>) {
  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    if (event.key !== "ArrowRight" && event.key !== "ArrowLeft") return;
    const index = options.findIndex((option) => option.key === value);
    const step = event.key === "ArrowRight" ? 1 : -1;
    const next = options[(index + step + options.length) % options.length];
    if (next) {
      onChange(next.key);
      document.getElementById(`${idPrefix}-tab-${next.key}`)?.focus();
    }
  };
  return (
    <div className="segmented" role="tablist" aria-label={label} onKeyDown={onKeyDown}>
      {options.map((option) => (
        <button
          key={option.key}
          id={`${idPrefix}-tab-${option.key}`}
          type="button"
          role="tab"
          aria-selected={option.key === value}
          aria-controls={`${idPrefix}-panel-${option.key}`}
          tabIndex={option.key === value ? 0 : -1}
          onClick={() => onChange(option.key)}
        >
          {option.label}
        </button>
      ))}
    </div>
  );
}
