import { useState, type FormEvent } from "react";
import { useRegister, useSignIn } from "../../hooks/useAuth";
import { useErrorText } from "../../hooks/useErrorText";
import { Field } from "./Field";

type Mode = "sign-in" | "register";

export function SignIn() {
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

  const title = mode === "sign-in" ? "Sign in" : "Create your account";
  return (
    <main className="auth" id="main">
      <div className="auth__brand">
        <span className="brand__mark" aria-hidden="true">
          ⚡
        </span>
        PowerShare
      </div>
      <form className="card auth__form" onSubmit={(e) => void submit(e)} aria-labelledby="auth-title" noValidate>
        <h1 id="auth-title" className="page-title">
          {title}
        </h1>
        <p className="muted auth__lead">Share energy with your neighbours and watch it flow live.</p>
        {mode === "register" ? (
          <Field label="Your name" autoComplete="name" value={displayName} onChange={(e) => setDisplayName(e.target.value)} />
        ) : null}
        <Field
          label="Email"
          type="email"
          autoComplete="email"
          required
          value={email}
          onChange={(e) => setEmail(e.target.value)}
          error={fields.email}
        />
        <Field
          label="Password"
          type="password"
          autoComplete={mode === "sign-in" ? "current-password" : "new-password"}
          required
          minLength={mode === "register" ? 8 : undefined}
          hint={mode === "register" ? "At least 8 characters, not a common or easily guessed one." : undefined}
          value={password}
          onChange={(e) => setPassword(e.target.value)}
          error={fields.password}
        />
        {mode === "register" ? (
          <>
            <Field
              label="Community (optional)"
              hint="The id your community organiser gave you. Without an invitation, an admin approves you first."
              value={community}
              onChange={(e) => setCommunity(e.target.value)}
              error={fields.community}
            />
            <Field
              label="Invitation code (optional)"
              hint="Joins the community at once."
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
          {busy ? "Please wait…" : title}
        </button>
        <p className="auth__switch">
          {mode === "sign-in" ? "New here? " : "Already have an account? "}
          <button type="button" className="link-button" onClick={() => switchTo(mode === "sign-in" ? "register" : "sign-in")}>
            {mode === "sign-in" ? "Create an account" : "Sign in"}
          </button>
        </p>
      </form>
    </main>
  );
}
