import { useTranslation } from "react-i18next";

interface Props {
  /** An error that belongs to no single field. */
  error?: string | null;
  onCancel: () => void;
  submitting: boolean;
  submitLabel: string;
}

/** The foot of a market form: its general error, then cancel and submit. */
export function FormActions({ error, onCancel, submitting, submitLabel }: Props) {
  const { t } = useTranslation();
  return (
    <>
      {error ? (
        <p className="auth__error" role="alert">
          {error}
        </p>
      ) : null}
      <div className="order-form__actions">
        <button type="button" className="button button--ghost" onClick={onCancel}>
          {t("market.form.cancel")}
        </button>
        <button type="submit" className="button" disabled={submitting}>
          {submitLabel}
        </button>
      </div>
    </>
  );
}
