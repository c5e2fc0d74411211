/** Server configuration from the environment, validated once at start. */
import { z } from 'zod';

const Env = z.object({
  HOST: z.string().default('127.0.0.1'),
  PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  DATABASE_URL: z.string().default('./data/oncall.sqlite'),
  /** PostgreSQL only: the most connections this instance holds */
  DATABASE_POOL_MAX: z.coerce.number().int().min(1).max(1000).default(10),
  /** PostgreSQL only: how long a request waits for a connection (then 503 Retry-After) */
  DATABASE_CONNECT_TIMEOUT_MS: z.coerce.number().int().min(100).default(5000),
  /** PostgreSQL only: how long a statement waits for a lock (then 503 Retry-After), like SQLite's busy timeout */
  DATABASE_LOCK_TIMEOUT_MS: z.coerce.number().int().min(100).default(5000),
  /** PostgreSQL only: the longest a single statement may run */
  DATABASE_STATEMENT_TIMEOUT_MS: z.coerce.number().int().min(1000).default(30_000),
  /** names this instance in logs and pg_stat_activity (default: host name and pid) */
  INSTANCE_ID: z.string().min(1).max(64).optional(),
  /**
   * The load balancers' addresses (comma-separated addresses or CIDRs, e.g. `10.0.0.5,10.0.1.0/24`):
   * from these alone X-Forwarded-For is believed, so that rate limits and the audit log see the
   * client's address rather than the balancer's. Empty: every peer is the client.
   */
  TRUST_PROXY: z
    .string()
    .default('')
    .transform((v) => v.split(',').map((a) => a.trim()).filter(Boolean))
    .refine((list) => list.every((a) => /^[0-9a-fA-F.:]+(\/\d{1,3})?$/.test(a)), 'addresses or CIDRs, comma-separated'),
  DEMO_SEED: z.enum(['0', '1']).default('1'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  ACCESS_TOKEN_TTL_SECONDS: z.coerce.number().int().min(1).default(3600),
  REFRESH_TOKEN_TTL_SECONDS: z.coerce.number().int().min(1).default(30 * 24 * 3600),
  API_KEY_DEFAULT_TTL_DAYS: z.coerce.number().int().min(1).default(365),
  RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).default(1000),
  RATE_LIMIT_PER_HOUR: z.coerce.number().int().min(1).default(10_000),
  RATE_LIMIT_PER_DAY: z.coerce.number().int().min(1).default(100_000),
  /** sign-in and refresh have their own per-address limits, apart from the general one */
  SIGNIN_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).default(60),
  SIGNIN_RATE_LIMIT_PER_HOUR: z.coerce.number().int().min(1).default(600),
  REFRESH_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).default(600),
  /** scrypt's N for new password hashes (OWASP: 2^17); a power of two */
  PASSWORD_SCRYPT_N: z.coerce
    .number()
    .int()
    .min(1024)
    .refine((n) => (n & (n - 1)) === 0, 'must be a power of two')
    .default(131072),
  /** password hashes computed at once, and sign-ins that may wait for one (503 beyond) */
  PASSWORD_HASH_CONCURRENCY: z.coerce.number().int().min(1).default(2),
  PASSWORD_HASH_QUEUE: z.coerce.number().int().min(0).default(32),
  /** failed sign-ins of one account before each further one locks it for a doubling delay */
  SIGNIN_FREE_FAILURES: z.coerce.number().int().min(1).default(5),
  SIGNIN_MAX_DELAY_SECONDS: z.coerce.number().int().min(1).default(900),
  WEBHOOK_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(30).default(10),
  WEBHOOK_BACKOFF_BASE_MS: z.coerce.number().int().min(1).default(2000),
  WEBHOOK_BACKOFF_MAX_MS: z.coerce.number().int().min(1).default(3_600_000),
  WEBHOOK_TIMEOUT_MS: z.coerce.number().int().min(1).default(10_000),
  /** deliver to loopback/private/link-local targets too ('1': tests, on-premises receivers) */
  WEBHOOK_ALLOW_PRIVATE_TARGETS: z.enum(['0', '1']).default('0'),
  WEBHOOK_POLL_MS: z.coerce.number().int().min(10).default(1000),
  /**
   * attempts in flight: per API instance, per organization and per endpoint (the last two across
   * instances). 0 per instance: this instance delivers none (others on the same database do).
   */
  WEBHOOK_CONCURRENCY: z.coerce.number().int().min(0).default(100),
  WEBHOOK_ORG_CONCURRENCY: z.coerce.number().int().min(1).default(10),
  WEBHOOK_ENDPOINT_CONCURRENCY: z.coerce.number().int().min(1).default(4),
  /** an endpoint is disabled once it has failed this many attempts in a row, over at least this long (5 days) */
  WEBHOOK_DISABLE_AFTER_FAILURES: z.coerce.number().int().min(1).default(10),
  WEBHOOK_DISABLE_AFTER_MS: z.coerce.number().int().min(0).default(5 * 24 * 3_600_000),
  REQUEST_TIMEOUT_MS: z.coerce.number().int().min(1000).default(30_000),
  SHUTDOWN_GRACE_MS: z.coerce.number().int().min(0).default(5000),
  BODY_LIMIT_BYTES: z.coerce.number().int().min(1024).default(1_048_576),
  /** sync event stream: comment heartbeat interval, so clients and proxies notice a dead stream */
  SYNC_HEARTBEAT_MS: z.coerce.number().int().min(100).default(15_000),
  /**
   * a signed-in agent whose desktop has not been heard on its event stream for this long (it
   * crashed, lost its network) is shown Offline; keep it several heartbeats long
   */
  PRESENCE_TIMEOUT_MS: z.coerce.number().int().min(500).default(60_000),
  /** sync event streams one user may hold open at once; a new one ends the oldest */
  SYNC_STREAMS_PER_USER: z.coerce.number().int().min(1).default(5),
  /** sync change log: how long tombstones are kept; older cursors must rebuild */
  SYNC_TOMBSTONE_RETENTION_DAYS: z.coerce.number().int().min(1).default(30),
  /** tests: hold every answer to the OpenAPI document (src-server/openapi/response-check.ts) */
  OPENAPI_RESPONSE_CHECK: z.enum(['0', '1']).default('0'),
});

export type Config = z.infer<typeof Env>;

export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const parsed = Env.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`).join('\n');
    throw new Error(`invalid configuration:\n${lines}`);
  }
  return parsed.data;
}
