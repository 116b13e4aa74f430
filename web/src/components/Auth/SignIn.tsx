import { useState, type FormEvent } from "react";
import { useTranslation } from "react-i18next";
import { useRegister, useSignIn } from "../../hooks/useAuth";
import { useErrorText } from "../../hooks/useErrorText";
import { LanguageSwitch } from "../Account/LanguageSwitch";
import { Field } from "./Field";

type Mode = "sign-in" | "register";

/** Sign in, or create an account; the language can be chosen here before anything else. */
export function SignIn() {
  const { t } = useTranslation();
  const [mode, setMode] = useState<Mode>("sign-in");
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [displayName, setDisplayName] = useState("");
  const [community, setCommunity] = useState("");
  const [invitation, setInvitation] = useState("");
  const signIn = useSignIn();
  const registration = useRegister();

  const busy = signIn.isPending || registration.isPending;
  const error = mode === "register" ? (registration.error ?? signIn.error) : signIn.error;
  const refusal = useErrorText(error);
  const fields = refusal.fields;

  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    try {
      if (mode === "register") {
        await registration.mutateAsync({
          email,
          password,
          display_name: displayName.trim(),
          community: community.trim() || null,
          ...(community.trim() && invitation.trim() ? { invitation: invitation.trim() } : {}),
        });
      }
      await signIn.mutateAsync({ email, password });
    } catch {
      // Shown from the mutation state below.
    }
  };

  const switchTo = (next: Mode) => {
    setMode(next);
    signIn.reset();
    registration.reset();
  };

  const title = mode === "sign-in" ? t("auth.signIn") : t("auth.register");
  return (
    <main className="auth" id="main">
      <div className="auth__brand">
        <span className="brand__mark" aria-hidden="true">
          ⚡
        </span>
        {t("app.name")}
      </div>
      <div className="auth__language">
        <LanguageSwitch />
      </div>
      <form className="card auth__form" onSubmit={(e) => void submit(e)} aria-labelledby="auth-title" noValidate>
        <h1 id="auth-title" className="page-title">
          {title}
        </h1>
        <p className="muted auth__lead">{t("auth.lead")}</p>
        {mode === "register" ? (
          <Field label={t("auth.name")} autoComplete="name" value={displayName} onChange={(e) => setDisplayName(e.target.value)} />
        ) : null}
        <Field
          label={t("auth.email")}
          type="email"
          autoComplete="email"
          required
          value={email}
          onChange={(e) => setEmail(e.target.value)}
          error={fields.email}
        />
        <Field
          label={t("auth.password")}
          type="password"
          autoComplete={mode === "sign-in" ? "current-password" : "new-password"}
          required
          minLength={mode === "register" ? 8 : undefined}
          hint={mode === "register" ? t("auth.passwordHint") : undefined}
          value={password}
          onChange={(e) => setPassword(e.target.value)}
          error={fields.password}
        />
        {mode === "register" ? (
          <>
            <Field
              label={t("auth.community")}
              hint={t("auth.communityHint")}
              value={community}
              onChange={(e) => setCommunity(e.target.value)}
              error={fields.community}
            />
            <Field
              label={t("auth.invitation")}
              hint={t("auth.invitationHint")}
              autoComplete="off"
              value={invitation}
              onChange={(e) => setInvitation(e.target.value)}
              error={fields.invitation}
            />
          </>
        ) : null}
        {error && Object.keys(fields).length === 0 ? (
          <p className="auth__error" role="alert">
            {refusal.message}
          </p>
        ) : null}
        <button type="submit" className="button auth__submit" disabled={busy}>
          {busy ? t("auth.wait") : title}
        </button>
        <p className="auth__switch">
          {mode === "sign-in" ? t("auth.newHere") : t("auth.haveAccount")}{" "}
          <button type="button" className="link-button" onClick={() => switchTo(mode === "sign-in" ? "register" : "sign-in")}>
            {mode === "sign-in" ? t("auth.toRegister") : t("auth.toSignIn")}
          </button>
        </p>
      </form>
    </main>
  );
}
