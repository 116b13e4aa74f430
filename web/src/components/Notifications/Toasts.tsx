import { useTranslation } from "react-i18next";
import { useToasts } from "../../hooks/toasts";
import { useNotificationText } from "./useNotificationText";

export function Toasts() {
  const { t } = useTranslation();
  const { toasts, dismiss } = useToasts();
  const words = useNotificationText();
  return (
    <section className="toasts" aria-label={t("notifications.title")} aria-live="polite" data-testid="toasts">
      {toasts.map((toast) => {
        const { title, message } = words(toast);
        return (
          <div
            key={toast.id}
            className={`toast toast--${toast.level}`}
            role={toast.level === "error" ? "alert" : undefined}
            data-testid="toast"
          >
            <div className="toast__text">
              {title ? <p className="toast__title">{title}</p> : null}
              {message ? <p className="toast__message">{message}</p> : null}
            </div>
            <button type="button" className="toast__close" aria-label={t("notifications.dismiss")} onClick={() => dismiss(toast.id)}>
              ×
            </button>
          </div>
        );
      })}
    </section>
  );
}
