/**
 * Seed 000's administration resources of an organization: the audit trail, webhook endpoints
 * (and their deliveries), API keys. Kept apart from client.ts, which holds the everyday ones.
 */
import type { CallOptions } from './oncall-resources';
import { paginate, type PageQuery } from './pagination';
import type { RequestOptions, Transport } from './transport';
import type {
  ApiKeyCreate,
  ApiKeyCreated,
  ApiKeyRead,
  AuditEntry,
  AuditListQuery,
  DeliveryListQuery,
  Page,
  PageQuery as ListQuery,
  WebhookCreate,
  WebhookCreated,
  WebhookDelivery,
  WebhookRead,
} from './types';

type Q = RequestOptions['query'];

export interface AdminResources {
  audit: {
    /** Newest first; filter by entity, entity_id, actor_id, action, from, to. */
    list(query?: AuditListQuery, opts?: CallOptions): Promise<Page<AuditEntry>>;
    iterate(query?: AuditListQuery, opts?: CallOptions): AsyncGenerator<AuditEntry>;
  };
  webhooks: {
    /** The answer carries the signing `secret` (whsec_...), shown this once. */
    create(body: WebhookCreate, opts?: CallOptions): Promise<WebhookCreated>;
    list(query?: ListQuery, opts?: CallOptions): Promise<Page<WebhookRead>>;
    iterate(query?: ListQuery, opts?: CallOptions): AsyncGenerator<WebhookRead>;
    delete(id: string, opts?: CallOptions): Promise<WebhookRead>;
    /** Re-enables an endpoint the API disabled after it kept failing (signed-in admin). */
    enable(id: string, opts?: CallOptions): Promise<WebhookRead>;
    deliveries(id: string, query?: DeliveryListQuery, opts?: CallOptions): Promise<Page<WebhookDelivery>>;
  };
  apiKeys: {
    /** The answer carries the `key` itself, shown this once. */
    create(body: ApiKeyCreate, opts?: CallOptions): Promise<ApiKeyCreated>;
    list(query?: ListQuery, opts?: CallOptions): Promise<Page<ApiKeyRead>>;
    iterate(query?: ListQuery, opts?: CallOptions): AsyncGenerator<ApiKeyRead>;
    revoke(id: string, opts?: CallOptions): Promise<ApiKeyRead>;
  };
}

export function adminResources(http: Transport, orgPath: (rest: string) => Promise<string>): AdminResources {
  const page = async <T>(rest: string, query: object | undefined, opts: CallOptions = {}) =>
    http.json<Page<T>>('GET', await orgPath(rest), { query: query as Q, ...opts });
  const every = <T>(rest: string, query: object | undefined, opts?: CallOptions) =>
    paginate<T>((q) => page<T>(rest, q, opts), (query ?? {}) as PageQuery);
  const id = encodeURIComponent;
  return {
    audit: {
      list: (query, opts) => page('/audit', query, opts),
      iterate: (query, opts) => every('/audit', query, opts),
    },
    webhooks: {
      create: async (body, opts = {}) => http.json('POST', await orgPath('/webhooks'), { body, ...opts }),
      list: (query, opts) => page('/webhooks', query, opts),
      iterate: (query, opts) => every('/webhooks', query, opts),
      delete: async (hook, opts = {}) => http.json('DELETE', await orgPath(`/webhooks/${id(hook)}`), opts),
      enable: async (hook, opts = {}) => http.json('POST', await orgPath(`/webhooks/${id(hook)}/enable`), opts),
      deliveries: (hook, query, opts) => page(`/webhooks/${id(hook)}/deliveries`, query, opts),
    },
    apiKeys: {
      create: async (body, opts = {}) => http.json('POST', await orgPath('/api-keys'), { body, ...opts }),
      list: (query, opts) => page('/api-keys', query, opts),
      iterate: (query, opts) => every('/api-keys', query, opts),
      revoke: async (key, opts = {}) => http.json('DELETE', await orgPath(`/api-keys/${id(key)}`), opts),
    },
  };
}
