import type { IconName } from "./Icon";

/** The bottom tabs, in order. */
export interface Tab {
  path: string;
  label: string;
  icon: IconName;
}

export const TABS: readonly Tab[] = [
  { path: "/", label: "Home", icon: "home" },
  { path: "/market", label: "Market", icon: "market" },
  { path: "/calendar", label: "Calendar", icon: "calendar" },
  { path: "/map", label: "Map", icon: "map" },
  { path: "/history", label: "History", icon: "history" },
  { path: "/community", label: "Community", icon: "community" },
];
