/** In-app notification toasts: a tiny store shared through context. */
import { createContext, useCallback, useContext, useMemo, useRef, useState, type ReactNode } from "react";

export type ToastLevel = "info" | "success" | "warning" | "error";

export interface Toast {
  id: string;
  title?: string;
  message?: string;
  level: ToastLevel;
  /** A notification's kind and figures, so the toast is worded in the chosen language. */
  kind?: string;
  data?: Record<string, unknown>;
}

interface ToastApi {
  toasts: Toast[];
  push: (toast: Omit<Toast, "id" | "level"> & { id?: string | number; level?: ToastLevel }) => void;
  dismiss: (id: string) => void;
}

const ToastContext = createContext<ToastApi | null>(null);

export const TOAST_TIMEOUT_MS = 6000;
const MAX_TOASTS = 4;

export function ToastProvider({ children, timeoutMs = TOAST_TIMEOUT_MS }: { children: ReactNode; timeoutMs?: number }) {
  const [toasts, setToasts] = useState<Toast[]>([]);
  const counter = useRef(0);

  const dismiss = useCallback((id: string) => {
    setToasts((current) => current.filter((toast) => toast.id !== id));
  }, []);

  const push = useCallback<ToastApi["push"]>(
    ({ id, level = "info", title, message, kind, data }) => {
      counter.current += 1;
      const key = id !== undefined ? `n-${id}` : `t-${counter.current}`;
      setToasts((current) => {
        if (current.some((toast) => toast.id === key)) return current;
        return [...current, { id: key, level, title, message, kind, data }].slice(-MAX_TOASTS);
      });
      if (timeoutMs > 0) setTimeout(() => dismiss(key), timeoutMs);
    },
    [dismiss, timeoutMs],
  );

  const value = useMemo(() => ({ toasts, push, dismiss }), [toasts, push, dismiss]);
  return <ToastContext.Provider value={value}>{children}</ToastContext.Provider>;
}

export function useToasts(): ToastApi {
  const api = useContext(ToastContext);
  if (!api) throw new Error("useToasts must be used inside <ToastProvider>");
  return api;
}
