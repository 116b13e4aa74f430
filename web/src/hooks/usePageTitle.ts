import { useEffect } from "react";

/** "Market · PowerShare" in the tab title, so history entries and screen readers name the page. */
export function usePageTitle(title: string): void {
  useEffect(() => {
    document.title = title ? `${title} · PowerShare` : "PowerShare";
  }, [title]);
}
