import type { ReactNode } from "react";
import { useTranslation } from "react-i18next";
import { useMe } from "../../hooks/useAuth";
import { ErrorState } from "../Common/ErrorState";
import { Loading } from "../Common/Loading";
import { SignIn } from "./SignIn";

/** Shows the sign-in screen until the hub knows who we are. */
export function AuthGate({ children }: { children: ReactNode }) {
  const { t } = useTranslation();
  const me = useMe();
  if (me.isPending) return <Loading what={t("auth.what")} />;
  if (me.isError) return <ErrorState what={t("auth.what")} error={me.error} onRetry={() => void me.refetch()} />;
  if (me.data === null) return <SignIn />;
  return <>{children}</>;
}
