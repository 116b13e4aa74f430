/** Keeps one broken page from blanking the whole app; resets when the route changes. */
import { Component, type ErrorInfo, type ReactNode } from "react";
import { useTranslation } from "react-i18next";

interface Props {
  children: ReactNode;
  /** Change this (e.g. the current path) to clear the error. */
  resetKey: string;
}

interface State {
  error: Error | null;
  resetKey: string;
}

export class ErrorBoundary extends Component<Props, State> {
  override state: State = { error: null, resetKey: this.props.resetKey };

  static getDerivedStateFromError(error: Error): Partial<State> {
    return { error };
  }

  static getDerivedStateFromProps(props: Props, state: State): Partial<State> | null {
    return props.resetKey !== state.resetKey ? { error: null, resetKey: props.resetKey } : null;
  }

  override componentDidCatch(error: Error, info: ErrorInfo): void {
    console.error("PowerShare page crashed", error, info.componentStack);
  }

  override render(): ReactNode {
    if (!this.state.error) return this.props.children;
    return <CrashNotice detail={this.state.error.message} onRetry={() => this.setState({ error: null })} />;
  }
}

// A function component, so the notice is worded with the hook like every other text.
function CrashNotice({ detail, onRetry }: { detail: string; onRetry: () => void }) {
  const { t } = useTranslation();
  return (
    <div className="error" role="alert">
      <p className="error__title">{t("common.crashed")}</p>
      <p className="error__detail">{detail}</p>
      <button type="button" className="button" onClick={onRetry}>
        {t("common.tryAgain")}
      </button>
    </div>
  );
}
