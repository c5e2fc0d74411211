/** Sign-in: server, email, password. A failure keeps every typed value and says what went wrong. */
import { useState } from 'react';
import type { InvokeError } from '../bridge';
import { ErrorNote } from '../components/ErrorNote';
import { isUnreachable } from '../lib/errors';
import { askNotificationPermission } from '../notifications';
import { rememberedSignIn, useSession } from '../stores/session';

function normaliseServer(text: string): string {
  const t = text.trim().replace(/\/+$/, '');
  return /^https?:\/\//i.test(t) ? t : `https://${t}`;
}

export function SignIn({ defaultServer }: { defaultServer?: string }) {
  const remembered = rememberedSignIn();
  const [serverUrl, setServerUrl] = useState(remembered.serverUrl || defaultServer || '');
  const [email, setEmail] = useState(remembered.email);
  const [password, setPassword] = useState('');
  const [error, setError] = useState<InvokeError | null>(null);
  const login = useSession((s) => s.login);
  const busy = useSession((s) => s.signingIn);
  const server = serverUrl ? normaliseServer(serverUrl) : '';

  const submit = async (e: React.FormEvent) => {
    e.preventDefault();
    askNotificationPermission();
    setError(null);
    setError(await login({ serverUrl: server, email: email.trim(), password }));
  };

  const wrongPassword = error !== null && !isUnreachable(error) && (error.code === 'UNAUTHORIZED' || error.code === 'INVALID_CREDENTIALS');

  return (
    <main className="signin">
      <form className="signin-card" onSubmit={(e) => void submit(e)} aria-labelledby="signin-title" noValidate>
        <h1 id="signin-title">OnCall Desk</h1>
        <p className="muted">Sign in to your call center.</p>
        <label className="field">
          <span>Server</span>
          <input
            name="server"
            type="url"
            inputMode="url"
            placeholder="https://oncall.example.org"
            value={serverUrl}
            autoComplete="url"
            required
            onChange={(e) => setServerUrl(e.target.value)}
            aria-invalid={(error !== null && isUnreachable(error)) || undefined}
          />
        </label>
        <label className="field">
          <span>Email</span>
          <input name="email" type="email" value={email} autoComplete="username" required onChange={(e) => setEmail(e.target.value)} />
        </label>
        <label className="field">
          <span>Password</span>
          <input
            name="password"
            type="password"
            value={password}
            autoComplete="current-password"
            required
            onChange={(e) => setPassword(e.target.value)}
            aria-invalid={wrongPassword || undefined}
          />
        </label>
        <ErrorNote error={error} serverUrl={server} />
        <button type="submit" className="primary-button wide" disabled={busy || !serverUrl || !email || !password}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
    </main>
  );
}
