import { useToasts } from "../../hooks/toasts";

export function Toasts() {
  const { toasts, dismiss } = useToasts();
  return (
    <section className="toasts" aria-label="Notifications" aria-live="polite" data-testid="toasts">
      {toasts.map((toast) => (
        <div
          key={toast.id}
          className={`toast toast--${toast.level}`}
          role={toast.level === "error" ? "alert" : undefined}
          data-testid="toast"
        >
          <div className="toast__text">
            {toast.title ? <p className="toast__title">{toast.title}</p> : null}
            {toast.message ? <p className="toast__message">{toast.message}</p> : null}
          </div>
          <button type="button" className="toast__close" aria-label="Dismiss notification" onClick={() => dismiss(toast.id)}>
            ×
          </button>
        </div>
      ))}
    </section>
  );
}
