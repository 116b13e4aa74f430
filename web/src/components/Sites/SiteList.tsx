import type { SiteSnapshot } from "../../api/types";
import { siteKey, sortSites } from "../../lib/sites";
import { SiteCard } from "./SiteCard";

interface Props {
  sites: SiteSnapshot[];
  label?: string;
  selectedKey?: string | null;
  onSelect?: (key: string) => void;
}

export function SiteList({ sites, label = "Sites", selectedKey = null, onSelect }: Props) {
  return (
    <ul className="site-list" aria-label={label}>
      {sortSites(sites).map((site) => {
        const key = siteKey(site);
        return (
          <li key={key}>
            <SiteCard site={site} selected={key === selectedKey} onSelect={onSelect ? () => onSelect(key) : undefined} />
          </li>
        );
      })}
    </ul>
  );
}
