import { useTranslation } from "react-i18next";
import { Link, useLocation } from "wouter";
import { Icon } from "./Icon";
import { TABS } from "../../routes";

export function BottomNav() {
  const { t } = useTranslation();
  const [location] = useLocation();
  return (
    <nav className="tabs" aria-label={t("nav.label")}>
      <ul className="tabs__list">
        {TABS.map((tab) => {
          const current =
            tab.path === "/" ? location === "/" : [tab.path, ...(tab.also ?? [])].some((path) => location.startsWith(path));
          return (
            <li key={tab.path}>
              <Link
                href={tab.path}
                className={`tabs__link${current ? " tabs__link--current" : ""}`}
                aria-current={current ? "page" : undefined}
                data-testid={`tab-${tab.id}`}
              >
                <span className="tabs__icon">
                  <Icon name={tab.icon} />
                </span>
                <span className="tabs__label">{t(`nav.${tab.id}`)}</span>
              </Link>
            </li>
          );
        })}
      </ul>
    </nav>
  );
}
