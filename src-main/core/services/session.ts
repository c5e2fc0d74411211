/**
 * The signed-in session: sign-in through the SDK, tokens in the shell's SecretStore (never in
 * SQLite), the server URL and user remembered in the store. Signing in as someone else is
 * refused while the previous account's changes are unsent, so two users' records never mix.
 */
import { v7 as uuidv7 } from 'uuid';
import type { LoginArgs, SessionInfo } from '../../../src-shared/ipc/contract';
import type { SessionUser, TokenResponse } from '../../../src-shared/schemas/auth';
import { OnCallClient, type FetchLike } from '../../../src-shared/sdk';
import type { SecretStore } from '../api';
import { CoreError } from '../errors';
import type { LocalStore } from '../store';
import type { SyncEngine } from '../sync/engine';

export const TOKENS_KEY = 'oncall.session.tokens';

interface StoredTokens {
  access_token: string;
  refresh_token: string;
}

export interface SessionServiceOptions {
  store: LocalStore;
  secrets: SecretStore;
  engine: () => SyncEngine;
  fetch?: FetchLike;
  onChange: () => void;
}

export class SessionService {
  private signedIn = false;

  constructor(private readonly o: SessionServiceOptions) {}

  current(): SessionInfo | null {
    return this.signedIn ? this.o.store.state.get().session : null;
  }

  user(): SessionUser | null {
    return this.current()?.user ?? null;
  }

  /** At start: resume the remembered session if its tokens are still in the SecretStore. */
  async resume(): Promise<void> {
    const session = this.o.store.state.get().session;
    const text = session ? await this.o.secrets.get(TOKENS_KEY) : null;
    if (!session || !text) return;
    const tokens = JSON.parse(text) as StoredTokens;
    this.signedIn = true;
    this.o.engine().attach(this.clientFor(session, tokens));
  }

  async login(args: LoginArgs): Promise<SessionInfo> {
    const serverUrl = args.serverUrl.replace(/\/+$/, '');
    // The core schedules its own retries (outbox backoff, sign-in errors shown at once): none in the SDK.
    const anonymous = new OnCallClient({ baseUrl: serverUrl, fetch: this.o.fetch, maxRetries: 0 });
    const tokens = await anonymous.auth.login({ email: args.email, password: args.password });
    const { store } = this.o;
    const owner = store.state.get().owner;
    const sameAccount = !owner || (owner.serverUrl === serverUrl && owner.userId === tokens.user.id);
    if (!sameAccount) {
      const counts = store.outbox.counts();
      if (counts.pending + counts.rejected > 0) {
        void anonymous.auth.logout().catch(() => undefined);
        throw new CoreError('CONFLICT', 'this desktop still holds unsent changes of another account: sign in as that account first', {
          pending: counts.pending,
          attention: counts.rejected,
        });
      }
    }
    this.o.engine().detach();
    await this.o.secrets.set(TOKENS_KEY, JSON.stringify(pick(tokens)));
    const session: SessionInfo = { serverUrl, user: tokens.user };
    store.tx(() => {
      if (!sameAccount) wipeAccountData(store);
      store.state.set({
        session,
        owner: { serverUrl, userId: tokens.user.id, organizationId: tokens.user.organization_id },
      });
    });
    this.signedIn = true;
    this.o.engine().attach(this.clientFor(session, pick(tokens)));
    this.o.onChange();
    return session;
  }

  /** Signs out at once; revoking the token on the server is best effort (it may be offline). */
  async logout(): Promise<void> {
    const session = this.o.store.state.get().session;
    const text = await this.o.secrets.get(TOKENS_KEY);
    this.o.engine().detach();
    await this.forget();
    if (session && text) {
      const client = this.clientFor(session, JSON.parse(text) as StoredTokens, false);
      void client.auth.logout({ signal: AbortSignal.timeout(5_000) }).catch(() => undefined);
    }
  }

  /** The session cannot be renewed (refresh refused): forget the tokens, keep the data and outbox. */
  async expired(): Promise<void> {
    await this.forget();
  }

  private async forget(): Promise<void> {
    this.signedIn = false;
    await this.o.secrets.delete(TOKENS_KEY);
    this.o.store.state.set({ session: null });
    this.o.onChange();
  }

  private clientFor(session: SessionInfo, tokens: StoredTokens, persist = true): OnCallClient {
    return new OnCallClient({
      baseUrl: session.serverUrl,
      accessToken: tokens.access_token,
      refreshToken: tokens.refresh_token,
      organizationId: session.user.organization_id,
      fetch: this.o.fetch,
      maxRetries: 0,
      // A rotated pair is saved before the retried request goes out: a crash cannot lose it.
      onTokens: persist ? (t) => this.o.secrets.set(TOKENS_KEY, JSON.stringify(pick(t))) : undefined,
    });
  }
}

const pick = (t: TokenResponse | StoredTokens): StoredTokens => ({ access_token: t.access_token, refresh_token: t.refresh_token });

/** A different account signs in on an empty outbox: start its store from scratch. */
function wipeAccountData(store: LocalStore): void {
  store.entities.clearAll();
  store.notices.clear();
  store.reference.clearDispositions();
  store.db.prepare('DELETE FROM rebuild_seen').run();
  store.state.set({ cursor: 0, rebuilding: false, lastPullAt: null, lastPushAt: null });
  store.state.newClient(uuidv7());
}
