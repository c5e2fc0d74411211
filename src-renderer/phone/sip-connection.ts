/**
 * One SIP.js UserAgent and its registration, kept alive. SIP.js leaves reconnection to the
 * application (its own `reconnectionAttempts` is deprecated), so this owns the loop: after the
 * WebSocket drops or a connect fails, retry with capped, jittered backoff (backoff.ts), retry at
 * once on the browser's `online` event, and REGISTER again on every (re)connect — a restarted
 * registrar has forgotten us.
 */
import { Registerer, RegistererState, SIPExtension, UserAgent, Web, type Invitation, type UserAgentOptions } from 'sip.js';
import { Backoff } from './backoff';

export type RegistrationState =
  | 'unconfigured'
  | 'connecting'
  | 'registering'
  | 'registered'
  | 'reconnecting'
  /** the registrar refused us (bad credentials, forbidden): retrying would not help */
  | 'failed'
  | 'stopped';

export interface RegistrationStatus {
  state: RegistrationState;
  /** why it is failed / reconnecting, for the status bar's tooltip */
  detail: string | null;
  /** when the next reconnect attempt is due (epoch ms) */
  retryAt: number | null;
  registeredAt: number | null;
}

export interface ConnectionConfig {
  wsUrl: string;
  sipUri: string;
  authUser: string | null;
  password: string | null;
  displayName: string;
  iceServers: RTCIceServer[];
  noAnswerSeconds: number;
  /** builds the microphone stream for a call (chosen device, fallback to default) */
  mediaStreamFactory: (constraints: MediaStreamConstraints) => Promise<MediaStream>;
}

export interface ConnectionHooks {
  onStatus(status: RegistrationStatus): void;
  onInvite(invitation: Invitation): void;
  /** registered again after the connection had been lost: dialogs in progress need a refresh */
  onReconnected?(): void;
}

/** A registration outlives a short outage; the registrar refreshes it well before this. */
const REGISTER_EXPIRES_S = 300;

export class SipConnection {
  readonly userAgent: UserAgent;
  private readonly registerer: Registerer;
  private readonly wsUrl: string;
  private readonly backoff = new Backoff();
  private status: RegistrationStatus = { state: 'connecting', detail: null, retryAt: null, registeredAt: null };
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  private connecting = false;
  private stopped = false;
  /** the connection dropped since the last successful REGISTER */
  private lost = false;
  private readonly onOnline = () => {
    if (!this.userAgent.isConnected()) {
      this.backoff.reset();
      this.attemptNow();
    }
  };

  constructor(
    config: ConnectionConfig,
    private readonly hooks: ConnectionHooks,
  ) {
    this.wsUrl = config.wsUrl;
    const uri = UserAgent.makeURI(config.sipUri);
    if (!uri) throw new Error(`not a SIP URI: ${config.sipUri}`);
    const options: UserAgentOptions = {
      uri,
      displayName: config.displayName || undefined,
      authorizationUsername: config.authUser ?? uri.user,
      authorizationPassword: config.password ?? undefined,
      transportOptions: { server: config.wsUrl, connectionTimeout: 5 },
      sessionDescriptionHandlerFactoryOptions: {
        // Without this SIP.js adds a public STUN server; calls stay on the agent's own networks
        // unless the organisation configures ICE servers.
        peerConnectionConfiguration: { iceServers: config.iceServers },
        iceGatheringTimeout: 500,
      },
      // Opens the agent's chosen microphone instead of the system default.
      sessionDescriptionHandlerFactory: Web.defaultSessionDescriptionHandlerFactory((constraints) => config.mediaStreamFactory(constraints)),
      sipExtensionReplaces: SIPExtension.Supported,
      noAnswerTimeout: config.noAnswerSeconds,
      userAgentString: 'OnCall Desk',
      logLevel: 'warn',
      delegate: {
        onConnect: () => this.onConnect(),
        onDisconnect: (error) => this.onDisconnect(error),
        onInvite: (invitation) => this.hooks.onInvite(invitation),
      },
    };
    this.userAgent = new UserAgent(options);
    this.registerer = new Registerer(this.userAgent, { expires: REGISTER_EXPIRES_S });
    this.registerer.stateChange.addListener((state) => {
      if (state === RegistererState.Registered) {
        this.backoff.reset();
        this.setStatus({ state: 'registered', detail: null, retryAt: null, registeredAt: Date.now() });
      } else if (state === RegistererState.Unregistered && this.status.state === 'registered' && !this.stopped) {
        this.setStatus({ state: 'registering', detail: 'registration lapsed', retryAt: null, registeredAt: null });
      }
    });
  }

  get current(): RegistrationStatus {
    return this.status;
  }

  start(): void {
    if (typeof window !== 'undefined') window.addEventListener('online', this.onOnline);
    this.setStatus({ state: 'connecting', detail: null, retryAt: null, registeredAt: null });
    this.attemptNow();
  }

  /** Unregisters (best effort, bounded) and closes the WebSocket; the loop stops. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (typeof window !== 'undefined') window.removeEventListener('online', this.onOnline);
    if (this.retryTimer) clearTimeout(this.retryTimer);
    if (this.userAgent.isConnected() && this.registerer.state === RegistererState.Registered) {
      await Promise.race([this.registerer.unregister().catch(() => undefined), new Promise((r) => setTimeout(r, 1000))]);
    }
    await this.userAgent.stop().catch(() => undefined);
    this.setStatus({ state: 'stopped', detail: null, retryAt: null, registeredAt: null });
  }

  /** Skips the wait (the status bar's "Reconnect now"). */
  reconnectNow(): void {
    if (this.stopped || this.userAgent.isConnected()) return;
    this.backoff.reset();
    this.attemptNow();
  }

  private attemptNow(): void {
    if (this.stopped || this.connecting) return;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    this.connecting = true;
    const first = this.userAgent.state !== 'Started';
    (first ? this.userAgent.start() : this.userAgent.reconnect())
      .catch((err: unknown) => {
        // onConnect registers; a failed connect never reaches onDisconnect, so retry from here.
        this.scheduleRetry(`cannot reach ${this.serverText()}: ${err instanceof Error ? err.message : String(err)}`);
      })
      .finally(() => {
        this.connecting = false;
      });
  }

  private scheduleRetry(detail: string): void {
    if (this.stopped) return;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    const delay = this.backoff.next();
    this.setStatus({ state: 'reconnecting', detail, retryAt: Date.now() + delay, registeredAt: null });
    this.retryTimer = setTimeout(() => this.attemptNow(), delay);
  }

  private onConnect(): void {
    if (this.stopped) return;
    this.setStatus({ state: 'registering', detail: null, retryAt: null, registeredAt: null });
    this.register();
  }

  private register(): void {
    this.registerer
      .register({
        requestDelegate: {
          // The Registerer's own state stays "Registered" across a reconnect (no event), so the
          // 200 OK to this REGISTER is what says we are registered again.
          onAccept: () => {
            if (this.stopped) return;
            this.backoff.reset();
            this.setStatus({ state: 'registered', detail: null, retryAt: null, registeredAt: Date.now() });
            if (this.lost) {
              this.lost = false;
              this.hooks.onReconnected?.();
            }
          },
          onReject: (response) => {
            const code = response.message.statusCode ?? 0;
            const detail = `registration refused: ${code} ${response.message.reasonPhrase ?? ''}`.trim();
            // Credentials and permissions do not fix themselves; server trouble may.
            if (code === 401 || code === 403 || code === 404 || code === 407) {
              this.setStatus({ state: 'failed', detail, retryAt: null, registeredAt: null });
            } else {
              this.scheduleRetryRegister(detail);
            }
          },
        },
      })
      .catch((err: unknown) => {
        // A REGISTER already in flight (RequestPendingError) will report for us.
        if (err instanceof Error && err.name === 'RequestPendingError') return;
        this.scheduleRetryRegister(err instanceof Error ? err.message : String(err));
      });
  }

  private scheduleRetryRegister(detail: string): void {
    if (this.stopped) return;
    const delay = this.backoff.next();
    this.setStatus({ state: 'reconnecting', detail, retryAt: Date.now() + delay, registeredAt: null });
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => (this.userAgent.isConnected() ? this.register() : this.attemptNow()), delay);
  }

  private onDisconnect(error?: Error): void {
    if (this.stopped) return;
    this.lost = true;
    this.scheduleRetry(error ? `connection to ${this.serverText()} lost: ${error.message}` : `connection to ${this.serverText()} closed`);
  }

  private serverText(): string {
    return this.wsUrl;
  }

  private setStatus(status: RegistrationStatus): void {
    this.status = status;
    this.hooks.onStatus(status);
  }
}
