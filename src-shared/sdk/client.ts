/**
 * OnCallClient: the typed client of the central API (seed 003's SDK idea, in TypeScript), used
 * by the desktop core and usable from any script or browser. Responses are typed from the
 * zod schemas in src-shared; they are not re-validated at run time (the server already
 * validates its answers against the same schemas). Usage: docs/sdk.md.
 */
import type { z } from 'zod';
import type { Disposition } from '../domain/dispositions';
import type { AgentStateEvent, AgentStateEventQuery, AgentStateRead, AgentStateSettings } from '../schemas/agent-states';
import type { LoginRequest, TokenResponse } from '../schemas/auth';
import type { CallCreate, CallListQuery, CallRead, CallUpdate } from '../schemas/calls';
import type { Page } from '../schemas/common';
import type { PatientCreate, PatientListQuery, PatientRead, PatientUpdate } from '../schemas/patients';
import type { PokeEvent, PullQuery, PullResponse, PushRequest, PushResponse } from '../schemas/sync';
import type { MyTasksQuery, TaskCreate, TaskListQuery, TaskRead, TaskUpdate } from '../schemas/tasks';
import type { UserListQuery, UserRead } from '../schemas/users';
import { resolveBaseUrl, type Environment } from './environments';
import { OnCallApiError, type RateLimit } from './errors';
import { oncallResources } from './oncall-resources';
import { readPokes, type EventsOptions } from './sse';
import { Transport, type RequestOptions, type TransportOptions } from './transport';

export interface OnCallClientOptions extends Omit<TransportOptions, 'baseUrl'> {
  /** seed 003's named environment (default `production`); ONCALL_BASE_URL overrides it */
  environment?: Environment | (string & {});
  /** a self-hosted API's origin; wins over `environment` and ONCALL_BASE_URL */
  baseUrl?: string;
  /** the organization of org-scoped routes; learnt from sign-in or `users.me()` when omitted */
  organizationId?: string;
}

type Query<T extends z.ZodType> = Partial<z.input<T>>;
type Q = RequestOptions['query'];
type Call = { signal?: AbortSignal };

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
  }

  /** Seed 003's calls (/v1/oncall/calls, camelCase). Seed 000's org-scoped calls: `callLog`. */
  readonly calls: ReturnType<typeof oncallResources>['calls'];
  readonly schedules: ReturnType<typeof oncallResources>['schedules'];
  readonly recordings: ReturnType<typeof oncallResources>['recordings'];
  readonly compliance: ReturnType<typeof oncallResources>['compliance'];

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

  private async org(): Promise<string> {
    this.organizationId ??= (await this.users.me()).organization_id;
    return this.organizationId;
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
    /** Revokes the access token on the server and forgets the pair. */
    logout: async (opts: Call = {}): Promise<void> => {
      try {
        if (this.http.accessToken) await this.http.json<void>('POST', '/auth/logout', opts);
      } finally {
        this.setTokens({});
      }
    },
  };

  readonly users = {
    me: (opts: Call = {}) => this.http.json<UserRead>('GET', '/users/me', opts),
    list: async (query: Query<typeof UserListQuery> = {}, opts: Call = {}) =>
      this.http.json<Page<UserRead>>('GET', await this.orgPath('/users'), { query: query as Q, ...opts }),
  };

  /** Seed 000's calls (/api/v1/organizations/{org}/calls, snake_case): the desktop's call log. */
  readonly callLog = {
    /** Without from/to/date: today's calls (UTC day). */
    list: async (query: Query<typeof CallListQuery> = {}, opts: Call = {}) =>
      this.http.json<Page<CallRead>>('GET', await this.orgPath('/calls'), { query: query as Q, ...opts }),
    get: async (id: string, opts: Call = {}) => this.http.json<CallRead>('GET', await this.orgPath(`/calls/${id}`), opts),
    create: async (body: z.input<typeof CallCreate>, opts: Call = {}) =>
      this.http.json<CallRead>('POST', await this.orgPath('/calls'), { body, ...opts }),
    update: async (id: string, patch: z.input<typeof CallUpdate>, opts: Call = {}) =>
      this.http.json<CallRead>('PATCH', await this.orgPath(`/calls/${id}`), { body: patch, ...opts }),
  };

  readonly tasks = {
    list: async (query: Query<typeof TaskListQuery> = {}, opts: Call = {}) =>
      this.http.json<Page<TaskRead>>('GET', await this.orgPath('/tasks'), { query: query as Q, ...opts }),
    /** The signed-in user's tasks (`/users/me/tasks`). */
    mine: (query: Query<typeof MyTasksQuery> = {}, opts: Call = {}) =>
      this.http.json<Page<TaskRead>>('GET', '/users/me/tasks', { query: query as Q, ...opts }),
    get: async (id: string, opts: Call = {}) => this.http.json<TaskRead>('GET', await this.orgPath(`/tasks/${id}`), opts),
    create: async (body: z.input<typeof TaskCreate>, opts: Call = {}) =>
      this.http.json<TaskRead>('POST', await this.orgPath('/tasks'), { body, ...opts }),
    update: async (id: string, patch: z.input<typeof TaskUpdate>, opts: Call = {}) =>
      this.http.json<TaskRead>('PATCH', await this.orgPath(`/tasks/${id}`), { body: patch, ...opts }),
    /** DELETE: cancels the task and answers it (idempotent). */
    cancel: async (id: string, opts: Call = {}) => this.http.json<TaskRead>('DELETE', await this.orgPath(`/tasks/${id}`), opts),
  };

  readonly patients = {
    /** `q`: a name prefix or a phone number in any format; `phone`: exact caller-id lookup. */
    list: async (query: Query<typeof PatientListQuery> = {}, opts: Call = {}) =>
      this.http.json<Page<PatientRead>>('GET', await this.orgPath('/patients'), { query: query as Q, ...opts }),
    get: async (id: string, opts: Call = {}) => this.http.json<PatientRead>('GET', await this.orgPath(`/patients/${id}`), opts),
    create: async (body: z.input<typeof PatientCreate>, opts: Call = {}) =>
      this.http.json<PatientRead>('POST', await this.orgPath('/patients'), { body, ...opts }),
    update: async (id: string, patch: z.input<typeof PatientUpdate>, opts: Call = {}) =>
      this.http.json<PatientRead>('PATCH', await this.orgPath(`/patients/${id}`), { body: patch, ...opts }),
  };

  readonly dispositions = {
    /** The defaults, then the organization's own codes. */
    list: async (opts: Call = {}) =>
      (await this.http.json<{ items: Disposition[] }>('GET', await this.orgPath('/dispositions'), opts)).items,
  };

  readonly agentStates = {
    /** Each agent's current state (agents: their own). Changes are made through the sync push. */
    list: async (opts: Call = {}) => (await this.http.json<{ items: AgentStateRead[] }>('GET', await this.orgPath('/agent-states'), opts)).items,
    events: async (query: z.input<typeof AgentStateEventQuery> = {}, opts: Call = {}) =>
      this.http.json<Page<AgentStateEvent>>('GET', await this.orgPath('/agent-state-events'), { query: query as Q, ...opts }),
    settings: async (opts: Call = {}) => this.http.json<AgentStateSettings>('GET', await this.orgPath('/agent-state-settings'), opts),
    putSettings: async (body: AgentStateSettings, opts: Call = {}) =>
      this.http.json<AgentStateSettings>('PUT', await this.orgPath('/agent-state-settings'), { body, ...opts }),
  };

  readonly organization = {
    /** The settings the desktop's rulebook needs (the default phone country). */
    settings: async (opts: Call = {}) =>
      this.http.json<{ default_country: string }>('GET', await this.orgPath('/settings'), opts),
  };

  readonly sync = {
    push: async (body: PushRequest, opts: Call = {}) =>
      this.http.json<PushResponse>('POST', await this.orgPath('/sync/push'), { body, ...opts }),
    pull: async (query: z.input<typeof PullQuery>, opts: Call = {}) =>
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
