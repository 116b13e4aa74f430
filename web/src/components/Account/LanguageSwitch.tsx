import { useId } from "react";
import { useTranslation } from "react-i18next";
import { chooseLanguage } from "../../i18n";
import { LANGUAGES, isLanguage } from "../../lib/language";

/** Pick the dashboard's language; the choice is remembered in this browser. */
export function LanguageSwitch() {
  const id = useId();
  const { t, i18n } = useTranslation();
  return (
    <div className="field language-switch">
      <label htmlFor={id}>{t("account.language")}</label>
      <select
        id={id}
        value={i18n.language}
        onChange={(event) => {
          if (isLanguage(event.target.value)) chooseLanguage(event.target.value);
        }}
      >
        {LANGUAGES.map((language) => (
          // Each language is named in itself, so it can be found whatever is showing now.
          <option key={language} value={language} lang={language}>
            {t(`account.languages.${language}`, { lng: "en" })}
          </option>
        ))}
      </select>
    </div>
  );
}
