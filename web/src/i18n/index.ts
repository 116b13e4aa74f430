/**
 * The dashboard's i18next instance: English and Korean catalogues bundled in (no loading), the
 * language from the saved choice or the browser, and every change mirrored into <html lang>,
 * localStorage and the Intl locale lib/format.ts formats with.
 */
import i18next, { type i18n as I18n } from "i18next";
import { initReactI18next } from "react-i18next";
import { setFormatLocale } from "../lib/format";
import { FALLBACK_LANGUAGE, LANGUAGE_STORAGE_KEY, pickLanguage, type Language } from "../lib/language";
import { en } from "./en";
import { errorsEn } from "./errors.en";
import { errorsKo } from "./errors.ko";
import { ko } from "./ko";

// The hub's error texts live apart (errors.*.ts) and are read as `errors.<code>`.
export const resources = {
  en: { translation: { ...en, errors: errorsEn } },
  ko: { translation: { ...ko, errors: errorsKo } },
} as const;

function savedLanguage(): string | null {
  try {
    return globalThis.localStorage?.getItem(LANGUAGE_STORAGE_KEY) ?? null;
  } catch {
    return null; // storage blocked (private mode, sandboxed frame)
  }
}

function applyLanguage(language: string): void {
  setFormatLocale(language);
  if (typeof document !== "undefined") document.documentElement.lang = language;
}

/** A new, initialised instance (tests may make their own); `language` overrides the detection. */
export function createI18n(language?: Language): I18n {
  const instance = i18next.createInstance();
  instance.on("languageChanged", applyLanguage);
  void instance.use(initReactI18next).init({
    resources,
    lng: language ?? pickLanguage(savedLanguage(), globalThis.navigator?.language),
    fallbackLng: FALLBACK_LANGUAGE,
    supportedLngs: ["en", "ko"],
    // React escapes what it renders; escaping here too would show "&amp;".
    interpolation: { escapeValue: false },
    initAsync: false,
    returnNull: false,
  });
  return instance;
}

export const i18n = createI18n();

/** Switch the language and remember the choice for the next visit. */
export function chooseLanguage(language: Language): void {
  try {
    globalThis.localStorage?.setItem(LANGUAGE_STORAGE_KEY, language);
  } catch {
    // Not remembered, but still switched for this visit.
  }
  void i18n.changeLanguage(language);
}
