/** Simple line icons drawn for PowerShare (24×24, stroke = currentColor). */
export type IconName = "home" | "market" | "calendar" | "map" | "history" | "community" | "bell" | "user";

const PATHS: Record<IconName, string> = {
  home: "M13 2 4 14h7l-1 8 9-12h-7z",
  market: "M4 8h14m-4-4 4 4-4 4M20 16H6m4-4-4 4 4 4",
  calendar: "M4 6h16v14H4zM4 10h16M8 3v4m8-4v4M8 14h2m4 0h2",
  map: "M12 21s-6-6.2-6-11a6 6 0 0 1 12 0c0 4.8-6 11-6 11zm0-8.5a2.5 2.5 0 1 0 0-5 2.5 2.5 0 0 0 0 5z",
  history: "M4 12a8 8 0 1 0 2.3-5.6M4 4v4h4m4-1v5l3 2",
  community: "M8 11a3 3 0 1 0 0-6 3 3 0 0 0 0 6zm8 0a3 3 0 1 0 0-6 3 3 0 0 0 0 6zM2 20c0-3 2.7-5 6-5s6 2 6 5m0-4.7c.6-.2 1.3-.3 2-.3 3.3 0 6 2 6 5",
  bell: "M6 16V11a6 6 0 0 1 12 0v5l2 2H4zm4 4h4",
  user: "M12 12a4 4 0 1 0 0-8 4 4 0 0 0 0 8zM4 21c0-4 3.6-6 8-6s8 2 8 6",
};

export function Icon({ name, size = 22 }: { name: IconName; size?: number }) {
  return (
    <svg
      width={size}
      height={size}
      viewBox="0 0 24 24"
      fill="none"
      stroke="currentColor"
      strokeWidth="1.8"
      strokeLinecap="round"
      strokeLinejoin="round"
      aria-hidden="true"
      focusable="false"
    >
      <path d={PATHS[name]} />
    </svg>
  );
}
