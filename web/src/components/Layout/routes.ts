import type { IconName } from "./Icon";

/** The bottom tabs, in order; `id` names the tab (test id, `nav.<id>` catalogue key). */
export interface Tab {
  path: string;
  id: "home" | "market" | "calendar" | "map" | "history" | "community";
  icon: IconName;
  /** Further pages reached from this tab, which it stays marked current on. */
  also?: readonly string[];
}

export const TABS: readonly Tab[] = [
  { path: "/", id: "home", icon: "home" },
  { path: "/market", id: "market", icon: "market" },
  { path: "/calendar", id: "calendar", icon: "calendar" },
  { path: "/map", id: "map", icon: "map" },
  { path: "/history", id: "history", icon: "history", also: ["/bills"] },
  { path: "/community", id: "community", icon: "community" },
];
