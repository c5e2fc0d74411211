/**
 * Where the client sends requests. Seed 003 names an environment (`environment: 'production'`);
 * a self-hosted API is reached with `baseUrl`, or, without touching code that names an
 * environment, with the ONCALL_BASE_URL environment variable of the process (tests, staging).
 */
export const ENVIRONMENTS = {
  production: 'https://api.writecarenotes.com',
  local: 'http://127.0.0.1:8080',
} as const;
export type Environment = keyof typeof ENVIRONMENTS;

/** The process environment where there is one (Node); browsers have none. */
function processEnv(name: string): string | undefined {
  // Through globalThis: src-shared runs in browsers too, where `process` does not exist.
  const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env;
  const value = env?.[name];
  return value ? value : undefined;
}

/** `baseUrl` wins, then ONCALL_BASE_URL, then the named environment (default production). */
export function resolveBaseUrl(options: { baseUrl?: string; environment?: Environment | string }): string {
  if (options.baseUrl) return options.baseUrl.replace(/\/+$/, '');
  const fromEnv = processEnv('ONCALL_BASE_URL');
  if (fromEnv) return fromEnv.replace(/\/+$/, '');
  const name = options.environment ?? 'production';
  const url = (ENVIRONMENTS as Record<string, string>)[name];
  if (!url) throw new Error(`unknown environment "${name}": use one of ${Object.keys(ENVIRONMENTS).join(', ')}, or baseUrl`);
  return url;
}
