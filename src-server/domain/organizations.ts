/** Organization settings the services need: default phone country and disposition codes. */
import { DEFAULT_DISPOSITIONS, type Disposition } from '../../src-shared/domain/dispositions';
import type { Db } from '../db/connection';

export async function defaultCountry(db: Db, organizationId: string): Promise<string> {
  const org = await db
    .selectFrom('organizations')
    .select('default_country')
    .where('id', '=', organizationId)
    .executeTakeFirst();
  return org?.default_country ?? 'GB';
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
