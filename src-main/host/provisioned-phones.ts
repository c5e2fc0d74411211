/**
 * PHONE_ACCOUNTS_FILE: phone accounts provisioned for this desktop, by agent email (`npm run demo`
 * writes one so the demo agents can call each other at once). Read once at start; a file that is
 * not valid stops the host with the reason rather than leaving the phone silently unconfigured.
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import type { ProvisionedPhone } from '../core/api';

const Accounts = z.record(
  z.string(),
  z.object({ ws_url: z.string().url(), sip_uri: z.string().regex(/^sips?:/), password: z.string().min(1), display_name: z.string().optional() }),
);

export function readProvisionedPhones(path: string | undefined): Record<string, ProvisionedPhone> {
  if (!path) return {};
  const parsed = Accounts.safeParse(JSON.parse(readFileSync(path, 'utf8')));
  if (!parsed.success) throw new Error(`PHONE_ACCOUNTS_FILE ${path}: ${parsed.error.message}`);
  return parsed.data;
}
