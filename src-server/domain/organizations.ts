/** Organization settings the services need: default phone country and disposition codes. */
import { DEFAULT_DISPOSITIONS, type Disposition } from '../../src-shared/domain/dispositions';
import { toE164 } from '../../src-shared/domain/phone';
import { ApiError } from '../http/api-error';
import type { Db } from '../db/connection';

export async function defaultCountry(db: Db, organizationId: string): Promise<string> {
  const org = await db
    .selectFrom('organizations')
    .select('default_country')
    .where('id', '=', organizationId)
    .executeTakeFirst();
  return org?.default_country ?? 'GB';
}

/** Normalises to E.164 or answers 422 naming the field. */
export async function normalisePhone(db: Db, organizationId: string, field: string, text: string): Promise<string> {
  const e164 = toE164(text, await defaultCountry(db, organizationId));
  if (!e164) throw new ApiError('VALIDATION_FAILED', 'validation failed', { [field]: 'not a valid phone number' });
  return e164;
}

export async function listDispositions(db: Db, organizationId: string): Promise<Disposition[]> {
  const custom = await db
    .selectFrom('org_dispositions')
    .select(['code', 'label'])
    .where('organization_id', '=', organizationId)
    .orderBy('code')
    .execute();
  return [
    ...DEFAULT_DISPOSITIONS.map((d) => ({ ...d, builtin: true })),
    ...custom.map((d) => ({ ...d, builtin: false })),
  ];
}

export async function assertDisposition(db: Db, organizationId: string, code: string, field = 'outcome'): Promise<void> {
  if (DEFAULT_DISPOSITIONS.some((d) => d.code === code)) return;
  const custom = await db
    .selectFrom('org_dispositions')
    .select('code')
    .where('organization_id', '=', organizationId)
    .where('code', '=', code)
    .executeTakeFirst();
  if (!custom) {
    throw new ApiError('VALIDATION_FAILED', 'validation failed', {
      [field]: `unknown disposition code "${code}" (GET /api/v1/organizations/{org_id}/dispositions lists them)`,
    });
  }
}
