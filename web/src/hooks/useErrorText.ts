import { useMemo } from "react";
import { useTranslation } from "react-i18next";
import { errorText, fieldErrorTexts, type ErrorTextContext } from "../lib/errorText";

export interface ErrorWords {
  /** The error in one sentence (null without an error). */
  message: string | null;
  /** The sentence for each field the hub named. */
  fields: Record<string, string>;
}

/** A hub error in the chosen language, for a form to show beside its fields. */
export function useErrorText(error: unknown): ErrorWords {
  const { t, i18n } = useTranslation();
  return useMemo(() => {
    if (!error) return { message: null, fields: {} };
    const ctx: ErrorTextContext = {
      t: (key, values) => t(key, values ?? {}) as string,
      exists: (key) => i18n.exists(key),
      locale: i18n.language,
    };
    return { message: errorText(error, ctx), fields: fieldErrorTexts(error, ctx) };
  }, [error, t, i18n, i18n.language]);
}
