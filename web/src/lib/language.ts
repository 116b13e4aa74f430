/** Which of the dashboard's languages to show: the saved choice, else the browser's, else English. */

export const LANGUAGES = ["en", "ko"] as const;
export type Language = (typeof LANGUAGES)[number];

export const FALLBACK_LANGUAGE: Language = "en";

/** localStorage key of the user's choice on the Account page. */
export const LANGUAGE_STORAGE_KEY = "powershare.language";

export function isLanguage(value: unknown): value is Language {
  return typeof value === "string" && (LANGUAGES as readonly string[]).includes(value);
}

/** A BCP 47 tag from the browser ("ko-KR", "en-GB") → one of ours; anything else → English. */
export function languageOf(tag: string | null | undefined): Language {
  return tag?.toLowerCase().startsWith("ko") ? "ko" : FALLBACK_LANGUAGE;
}

/** The saved choice wins over the browser's language; an unknown saved value is ignored. */
export function pickLanguage(saved: string | null | undefined, browser: string | null | undefined): Language {
  return isLanguage(saved) ? saved : languageOf(browser);
}
