import type { MouseEvent, ReactNode } from "react";
import { useTranslation } from "react-i18next";
import { Link, useLocation } from "wouter";
import { ErrorBoundary } from "../Common/ErrorBoundary";
import { NotificationBell } from "../Notifications/NotificationBell";
import { Toasts } from "../Notifications/Toasts";
import { BottomNav } from "./BottomNav";
import { DemoClockBadge } from "./DemoClockBadge";
import { Icon } from "./Icon";
import { LiveIndicator } from "./LiveIndicator";

/** The URL hash holds the route, so the skip link moves focus itself instead of navigating. */
function skipToContent(event: MouseEvent<HTMLAnchorElement>) {
  event.preventDefault();
  document.getElementById("main")?.focus();
}

export function AppShell({ children }: { children: ReactNode }) {
  const { t } = useTranslation();
  const [location] = useLocation();
  return (
    <div className="shell">
      <a className="skip-link" href="#main" onClick={skipToContent}>
        {t("app.skipToContent")}
      </a>
      <header className="topbar">
        <span className="brand">
          <span className="brand__mark" aria-hidden="true">
            ⚡
          </span>
          <span className="brand__name">PowerShare</span>
        </span>
        <div className="topbar__actions">
          <DemoClockBadge />
          <LiveIndicator />
          <NotificationBell />
          <Link href="/account" className="icon-button" aria-label={t("app.account")} data-testid="open-account">
            <Icon name="user" />
          </Link>
        </div>
      </header>
      <main id="main" className="main" tabIndex={-1}>
        <ErrorBoundary resetKey={location}>{children}</ErrorBoundary>
      </main>
      <BottomNav />
      <Toasts />
    </div>
  );
}
