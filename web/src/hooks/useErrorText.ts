import { useCallback, useMemo } from "react";
import { useTranslation } from "react-i18next";
import { useCurrency } from "./useCommunities";
import { errorText, fieldErrorTexts, type ErrorTextContext } from "../lib/errorText";

export interface ErrorWords {
  /** The error in one sentence (null without an error). */
  message: string | null;
  /** The sentence for each field the hub named. */
  fields: Record<string, string>;
}

/** What lib/errorText needs of the catalogue, in the chosen language, with the community's currency. */
function useErrorContext(): ErrorTextContext {
  const { t, i18n } = useTranslation();
  // From the cache only: the sign-in screen shows errors too, and asking there answers 401.
  const currency = useCurrency(undefined, { fetch: false });
  return useMemo(
    () => ({
      t: (key, values) => t(key, values ?? {}) as string,
      exists: (key) => i18n.exists(key),
      locale: i18n.language,
      currency,
    }),
    [t, i18n, i18n.language, currency],
  );
}

/** A hub error in the chosen language, for a form to show beside its fields. */
export function useErrorText(error: unknown): ErrorWords {
  const ctx = useErrorContext();
  return useMemo(() => {
    if (!error) return { message: null, fields: {} };
    return { message: errorText(error, ctx), fields: fieldErrorTexts(error, ctx) };
  }, [error, ctx]);
}

/** Words for an error as it happens (a toast raised in a mutation's onError), in the chosen language. */
export function useErrorWording(): (error: unknown) => string {
  const ctx = useErrorContext();
  return useCallback((error: unknown) => errorText(error, ctx), [ctx]);
}
