/**
 * Every page of the dashboard, once: its path, what renders it, the catalogue key of its title
 * (the browser tab's, via usePageTitle) and, for those in the bottom tabs, its tab. App.tsx
 * routes from this table and BottomNav draws the tabs from it, so a page is added in one place.
 */
import type { ComponentType } from "react";
import type { IconName } from "./components/Layout/Icon";
import { AccountPage } from "./pages/AccountPage";
import { BillsPage } from "./pages/BillsPage";
import { CalendarPage } from "./pages/CalendarPage";
import { CommunityPage } from "./pages/CommunityPage";
import { HistoryPage } from "./pages/HistoryPage";
import { HomePage } from "./pages/HomePage";
import { MapPage } from "./pages/MapPage";
import { MarketPage } from "./pages/MarketPage";
import { NotFoundPage } from "./pages/NotFoundPage";
import { NotificationsPage } from "./pages/NotificationsPage";

/** A page's place in the bottom tabs; `id` names the tab (test id, `nav.<id>` catalogue key). */
export interface TabEntry {
  id: "home" | "market" | "calendar" | "map" | "history" | "community";
  icon: IconName;
  /** Further pages reached from this tab, which it stays marked current on. */
  also?: readonly string[];
}

export interface Page {
  path: string;
  component: ComponentType;
  /** Catalogue key of the page's title. */
  title: string;
  tab?: TabEntry;
}

/** In the order of the bottom tabs. */
export const PAGES: readonly Page[] = [
  { path: "/", component: HomePage, title: "home.title", tab: { id: "home", icon: "home" } },
  { path: "/market", component: MarketPage, title: "market.title", tab: { id: "market", icon: "market" } },
  { path: "/calendar", component: CalendarPage, title: "calendar.title", tab: { id: "calendar", icon: "calendar" } },
  { path: "/map", component: MapPage, title: "map.title", tab: { id: "map", icon: "map" } },
  { path: "/history", component: HistoryPage, title: "history.title", tab: { id: "history", icon: "history", also: ["/bills"] } },
  { path: "/bills", component: BillsPage, title: "bills.title" },
  { path: "/community", component: CommunityPage, title: "community.title", tab: { id: "community", icon: "community" } },
  { path: "/notifications", component: NotificationsPage, title: "notifications.title" },
  { path: "/account", component: AccountPage, title: "account.title" },
];

/** What any other path shows. */
export const NOT_FOUND: Omit<Page, "path"> = { component: NotFoundPage, title: "notFound.title" };

export type Tab = TabEntry & { path: string };

/** The bottom tabs, in order. */
export const TABS: readonly Tab[] = PAGES.flatMap((page) => (page.tab ? [{ ...page.tab, path: page.path }] : []));
