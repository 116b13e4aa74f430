import { useCallback, useMemo } from "react";
import { useTranslation } from "react-i18next";
import { useCurrency } from "../../hooks/useCommunities";
import { useSites } from "../../hooks/useSites";
import { notificationText, type NotificationLike, type NotificationText } from "../../lib/notificationText";
import { siteNames } from "../../lib/sites";

/** Notifications and toasts in the chosen language, with the household's site names and currency. */
export function useNotificationText(): (n: NotificationLike) => NotificationText {
  const { t, i18n } = useTranslation();
  const currency = useCurrency(undefined);
  const sites = useSites();
  const names = useMemo(() => siteNames(sites.data), [sites.data]);
  return useCallback(
    (n: NotificationLike) =>
      notificationText(n, {
        t: (key, values) => t(key, values ?? {}) as string,
        locale: i18n.language,
        currency,
        siteName: (id) => names.get(id) ?? id,
      }),
    [t, i18n.language, currency, names],
  );
}
