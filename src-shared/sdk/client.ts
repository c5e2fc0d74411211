/**
 * OnCallClient: the typed client of the central API (seed 003's SDK idea, in TypeScript), used
 * by the desktop core and usable from any script or browser. Responses are typed from the
 * zod schemas in src-shared; they are not re-validated at run time (the server already
 * validates its answers against the same schemas). Usage: docs/sdk.md.
 */
import { adminResources, type AdminResources } from './admin-resources';
import { resolveBaseUrl, type Environment } from './environments';
import { OnCallApiError, type RateLimit } from './errors';
import { oncallResources, type CallOptions, type OnCallResources } from './oncall-resources';
import { paginate, type PageQuery } from './pagination';
import { readPokes, type EventsOptions } from './sse';
import { Transport, type RequestOptions, type TransportOptions } from './transport';
import type {
  AgentStateEvent,
  AgentStateEventQuery,
  AgentStateRead,
  AgentStateSettings,
  CallCreate,
  CallListQuery,
  CallRead,
  CallUpdate,
  Credential,
  Disposition,
  LoginRequest,
  MyTasksQuery,
  Page,
  PatientCreate,
  PatientListQuery,
  PatientRead,
  PatientUpdate,
  PokeEvent,
  PullQuery,
  PullResponse,
  PushRequest,
  PushResponse,
  TaskCreate,
  TaskListQuery,
  TaskRead,
  TaskUpdate,
  TokenResponse,
  UserListQuery,
  UserRead,
} from './types';

export interface OnCallClientOptions extends Omit<TransportOptions, 'baseUrl'> {
  /** seed 003's named environment (default `production`); ONCALL_BASE_URL overrides it */
  environment?: Environment | (string & {});
  /** a self-hosted API's origin; wins over `environment` and ONCALL_BASE_URL */
  baseUrl?: string;
  /** the organization of org-scoped routes; learnt from sign-in or `auth.whoami()` when omitted */
  organizationId?: string;
}

type Q = RequestOptions['query'];
type Call = CallOptions;

export class OnCallClient {
  private readonly http: Transport;
  private organizationId: string | undefined;

  constructor(options: OnCallClientOptions) {
    this.http = new Transport({ ...options, baseUrl: resolveBaseUrl(options) });
    this.organizationId = options.organizationId;
    const oncall = oncallResources(this.http);
    this.calls = oncall.calls;
    this.schedules = oncall.schedules;
    this.recordings = oncall.recordings;
    this.compliance = oncall.compliance;
    const admin = adminResources(this.http, (rest) => this.orgPath(rest));
    this.audit = admin.audit;
    this.webhooks = admin.webhooks;
    this.apiKeys = admin.apiKeys;
  }

  /** Seed 003's calls (/v1/oncall/calls, camelCase). Seed 000's org-scoped calls: `callLog`. */
  readonly calls: OnCallResources['calls'];
  readonly schedules: OnCallResources['schedules'];
  readonly recordings: OnCallResources['recordings'];
  readonly compliance: OnCallResources['compliance'];
  /** The organization's audit trail (supervisor, admin). */
  readonly audit: AdminResources['audit'];
  /** Webhook endpoints and their deliveries (admin; see verifyWebhook for the receiving side). */
  readonly webhooks: AdminResources['webhooks'];
  /** API keys (creating and revoking one needs a signed-in admin). */
  readonly apiKeys: AdminResources['apiKeys'];

  get baseUrl(): string {
    return this.http.baseUrl;
  }
  /** The X-RateLimit-* headers of the latest answer (seed 003's limits). */
  get rateLimit(): RateLimit | undefined {
    return this.http.rateLimit;
  }
  /** The current pair (after any automatic refresh). */
  get tokens(): { accessToken?: string; refreshToken?: string } {
    return { accessToken: this.http.accessToken, refreshToken: this.http.refreshToken };
  }

  setTokens(tokens: { accessToken?: string; refreshToken?: string }): void {
    this.http.accessToken = tokens.accessToken;
    this.http.refreshToken = tokens.refreshToken;
  }

  private learning: Promise<string> | null = null;

  /**
   * The organization of the org-scoped routes: from sign-in, the options, or else asked once of
   * GET /auth/whoami, which answers users and API keys alike (so a key alone is enough).
   */
  private async org(): Promise<string> {
    if (this.organizationId) return this.organizationId;
    this.learning ??= this.auth
      .whoami()
      .then((me) => (this.organizationId = me.organization_id))
      .finally(() => (this.learning = null));
    return this.learning;
  }
  private async orgPath(rest: string): Promise<string> {
    return `/organizations/${encodeURIComponent(await this.org())}${rest}`;
  }

  readonly auth = {
    /** Signs in; the client keeps the pair and `onTokens` receives it. */
    login: async (credentials: LoginRequest, opts: Call = {}): Promise<TokenResponse> => {
      const tokens = await this.http.json<TokenResponse>('POST', '/auth/login', { body: credentials, anonymous: true, ...opts });
      this.organizationId = tokens.user.organization_id;
      await this.http.acceptTokens(tokens);
      return tokens;
    },
    /** Exchanges the refresh token for a new pair (the old refresh token stops working). */
    refresh: async (): Promise<TokenResponse> => {
      const tokens = await this.http.refreshSingleFlight();
      this.organizationId = tokens.user.organization_id;
      return tokens;
    },
    /** Who this credential is: a user or an API key, its role and organization. */
    whoami: (opts: Call = {}): Promise<Credential> => this.http.json<Credential>('GET', '/auth/whoami', opts),
    /** Revokes the access token on the server and forgets the pair. */
    logout: async (opts: Call = {}): Promise<void> => {
      try {
        if (this.http.accessToken) await this.http.json<void>('POST', '/auth/logout', opts);
      } finally {
        this.setTokens({});
      }
    },
  };

  /** Walks every page of an org-scoped list. */
  private iterateOrg<T>(rest: string, query: object, opts: Call): AsyncGenerator<T> {
    return paginate<T>(
      async (q): Promise<Page<T>> => this.http.json<Page<T>>('GET', await this.orgPath(rest), { query: q as Q, ...opts }),
      query as PageQuery,
    );
  }

  readonly users = {
    /** The signed-in user (an API key has none: 403); `me.tasks(query)`: the tasks assigned to them. */
    me: Object.assign((opts: Call = {}): Promise<UserRead> => this.http.json<UserRead>('GET', '/users/me', opts), {
      tasks: (query: MyTasksQuery = {}, opts: Call = {}): Promise<Page<TaskRead>> =>
        this.http.json<Page<TaskRead>>('GET', '/users/me/tasks', { query: query as Q, ...opts }),
    }),
    list: async (query: UserListQuery = {}, opts: Call = {}): Promise<Page<UserRead>> =>
      this.http.json<Page<UserRead>>('GET', await this.orgPath('/users'), { query: query as Q, ...opts }),
    iterate: (query: UserListQuery = {}, opts: Call = {}): AsyncGenerator<UserRead> => this.iterateOrg<UserRead>('/users', query, opts),
  };

  /** Seed 000's calls (/api/v1/organizations/{org}/calls, snake_case): the desktop's call log. */
  readonly callLog = {
    /** Without from/to/date: today's calls (UTC day). */
    list: async (query: CallListQuery = {}, opts: Call = {}): Promise<Page<CallRead>> =>
      this.http.json<Page<CallRead>>('GET', await this.orgPath('/calls'), { query: query as Q, ...opts }),
    iterate: (query: CallListQuery = {}, opts: Call = {}): AsyncGenerator<CallRead> => this.iterateOrg<CallRead>('/calls', query, opts),
    get: async (id: string, opts: Call = {}): Promise<CallRead> => this.http.json<CallRead>('GET', await this.orgPath(`/calls/${encodeURIComponent(id)}`), opts),
    create: async (body: CallCreate, opts: Call = {}): Promise<CallRead> =>
      this.http.json<CallRead>('POST', await this.orgPath('/calls'), { body, ...opts }),
    update: async (id: string, patch: CallUpdate, opts: Call = {}): Promise<CallRead> =>
      this.http.json<CallRead>('PATCH', await this.orgPath(`/calls/${encodeURIComponent(id)}`), { body: patch, ...opts }),
  };

  readonly tasks = {
    list: async (query: TaskListQuery = {}, opts: Call = {}): Promise<Page<TaskRead>> =>
      this.http.json<Page<TaskRead>>('GET', await this.orgPath('/tasks'), { query: query as Q, ...opts }),
    iterate: (query: TaskListQuery = {}, opts: Call = {}): AsyncGenerator<TaskRead> => this.iterateOrg<TaskRead>('/tasks', query, opts),
    /** The signed-in user's tasks (`/users/me/tasks`, the same as `users.me.tasks`). */
    mine: (query: MyTasksQuery = {}, opts: Call = {}): Promise<Page<TaskRead>> => this.users.me.tasks(query, opts),
    get: async (id: string, opts: Call = {}): Promise<TaskRead> => this.http.json<TaskRead>('GET', await this.orgPath(`/tasks/${encodeURIComponent(id)}`), opts),
    create: async (body: TaskCreate, opts: Call = {}): Promise<TaskRead> =>
      this.http.json<TaskRead>('POST', await this.orgPath('/tasks'), { body, ...opts }),
    update: async (id: string, patch: TaskUpdate, opts: Call = {}): Promise<TaskRead> =>
      this.http.json<TaskRead>('PATCH', await this.orgPath(`/tasks/${encodeURIComponent(id)}`), { body: patch, ...opts }),
    /** DELETE: cancels the task and answers it (idempotent). */
    cancel: async (id: string, opts: Call = {}): Promise<TaskRead> => this.http.json<TaskRead>('DELETE', await this.orgPath(`/tasks/${encodeURIComponent(id)}`), opts),
  };

  readonly patients = {
    /** `q`: a name prefix or a phone number in any format; `phone`: exact caller-id lookup. */
    list: async (query: PatientListQuery = {}, opts: Call = {}): Promise<Page<PatientRead>> =>
      this.http.json<Page<PatientRead>>('GET', await this.orgPath('/patients'), { query: query as Q, ...opts }),
    iterate: (query: PatientListQuery = {}, opts: Call = {}): AsyncGenerator<PatientRead> => this.iterateOrg<PatientRead>('/patients', query, opts),
    get: async (id: string, opts: Call = {}): Promise<PatientRead> => this.http.json<PatientRead>('GET', await this.orgPath(`/patients/${encodeURIComponent(id)}`), opts),
    create: async (body: PatientCreate, opts: Call = {}): Promise<PatientRead> =>
      this.http.json<PatientRead>('POST', await this.orgPath('/patients'), { body, ...opts }),
    update: async (id: string, patch: PatientUpdate, opts: Call = {}): Promise<PatientRead> =>
      this.http.json<PatientRead>('PATCH', await this.orgPath(`/patients/${encodeURIComponent(id)}`), { body: patch, ...opts }),
  };

  readonly dispositions = {
    /** The defaults, then the organization's own codes. */
    list: async (opts: Call = {}): Promise<Disposition[]> =>
      (await this.http.json<{ items: Disposition[] }>('GET', await this.orgPath('/dispositions'), opts)).items,
  };

  readonly agentStates = {
    /** Each agent's current state (agents: their own). Changes are made through the sync push. */
    list: async (opts: Call = {}): Promise<AgentStateRead[]> => (await this.http.json<{ items: AgentStateRead[] }>('GET', await this.orgPath('/agent-states'), opts)).items,
    events: async (query: AgentStateEventQuery = {}, opts: Call = {}): Promise<Page<AgentStateEvent>> =>
      this.http.json<Page<AgentStateEvent>>('GET', await this.orgPath('/agent-state-events'), { query: query as Q, ...opts }),
    settings: async (opts: Call = {}): Promise<AgentStateSettings> => this.http.json<AgentStateSettings>('GET', await this.orgPath('/agent-state-settings'), opts),
    putSettings: async (body: AgentStateSettings, opts: Call = {}): Promise<AgentStateSettings> =>
      this.http.json<AgentStateSettings>('PUT', await this.orgPath('/agent-state-settings'), { body, ...opts }),
  };

  readonly organization = {
    /** The settings the desktop's rulebook needs (the default phone country). */
    settings: async (opts: Call = {}): Promise<{ default_country: string }> =>
      this.http.json<{ default_country: string }>('GET', await this.orgPath('/settings'), opts),
  };

  readonly sync = {
    push: async (body: PushRequest, opts: Call = {}): Promise<PushResponse> =>
      this.http.json<PushResponse>('POST', await this.orgPath('/sync/push'), { body, ...opts }),
    pull: async (query: PullQuery, opts: Call = {}): Promise<PullResponse> =>
      this.http.json<PullResponse>('GET', await this.orgPath('/sync/pull'), { query: query as Q, ...opts }),
    /**
     * Opens the poke stream and yields each poke until the server closes it or `signal` aborts.
     * `onOpen` fires once connected: pull then, to catch what happened while disconnected.
     */
    events: (options: EventsOptions & { clientId?: string } = {}): AsyncGenerator<PokeEvent> => {
      const http = this.http;
      const path = () => this.orgPath('/sync/events');
      return (async function* () {
        const res = await http.send('GET', await path(), {
          query: { client_id: options.clientId },
          headers: { accept: 'text/event-stream' },
          signal: options.signal,
          stream: true,
        });
        yield* readPokes(res, options);
      })();
    },
  };
}

export { OnCallApiError };
