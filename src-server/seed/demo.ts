/**
 * Demo data for an empty store (`DEMO_SEED=1`, the default): one organization, the four demo
 * users (password `demo-password`), a handful of patients, today's calls and open tasks.
 */
import { v7 as uuidv7 } from 'uuid';
import type { Db } from '../db/connection';
import { literalLimit } from '../db/literal-limit';
import { hashPassword, OWASP_SCRYPT } from '../http/secrets';

export const DEMO_PASSWORD = 'demo-password';
export const DEMO_USERS = [
  { email: 'admin@demo.test', name: 'Ada Admin', role: 'admin' },
  { email: 'supervisor@demo.test', name: 'Sam Supervisor', role: 'supervisor' },
  { email: 'agent1@demo.test', name: 'Alex Agent', role: 'agent' },
  { email: 'agent2@demo.test', name: 'Blair Agent', role: 'agent' },
] as const;

const PATIENTS = [
  ['Margaret', 'Hughes', '+447700900101'],
  ['Peter', 'Okafor', '+447700900102'],
  ['Sofia', 'Lindqvist', '+447700900103'],
  ['Ravi', 'Sharma', '+447700900104'],
  ['Eilidh', 'MacLeod', '+447700900105'],
  ['Tomasz', 'Nowak', '+447700900106'],
  ['Grace', 'Adeyemi', '+447700900107'],
  ['Owen', 'Pritchard', '+447700900108'],
] as const;

export async function seedDemoIfEmpty(db: Db, now = new Date(), scryptN?: number): Promise<boolean> {
  const any = await db.selectFrom('organizations').select('id').limit(literalLimit(1)).executeTakeFirst();
  if (any) return false;
  await seedDemo(db, { now, scryptN });
  return true;
}

export interface SeedOptions {
  now?: Date;
  /** e-mail domain of the four users: tests seed a second organization under another one */
  domain?: string;
  name?: string;
  /** scrypt N of the users' password hashes (the server's PASSWORD_SCRYPT_N) */
  scryptN?: number;
}

export async function seedDemo(db: Db, options: SeedOptions = {}): Promise<{ organizationId: string }> {
  const now = options.now ?? new Date();
  const domain = options.domain ?? 'demo.test';
  const email = (demoEmail: string) => demoEmail.replace('@demo.test', `@${domain}`);
  const iso = now.toISOString();
  const at = (minutesAgo: number) => new Date(now.getTime() - minutesAgo * 60_000).toISOString();
  // Today's call log is the first thing an agent sees: seeded calls fall in today's (UTC) elapsed
  // part of the day however soon after midnight the store is seeded, scaled into it if need be.
  const dayStart = Date.parse(`${iso.slice(0, 10)}T00:00:00.000Z`);
  const scale = Math.min(1, (now.getTime() - dayStart) / (200 * 60_000));
  const today = (minutesAgo: number) => new Date(now.getTime() - minutesAgo * 60_000 * scale).toISOString();
  const passwordHash = await hashPassword(DEMO_PASSWORD, { ...OWASP_SCRYPT, N: options.scryptN ?? OWASP_SCRYPT.N });
  const organizationId = uuidv7();

  await db.transaction().execute(async (trx) => {
    await trx
      .insertInto('organizations')
      .values({ id: organizationId, name: options.name ?? 'Demo Health Call Centre', default_country: 'GB', created_at: iso, updated_at: iso })
      .execute();
    await trx
      .insertInto('org_dispositions')
      .values({ organization_id: organizationId, code: 'prescription_query', label: 'Prescription query', created_at: iso })
      .execute();

    const userIds: Record<string, string> = {};
    for (const u of DEMO_USERS) {
      userIds[u.email] = uuidv7(); // keyed by the demo address; stored under `domain`
      await trx
        .insertInto('users')
        .values({
          id: userIds[u.email]!,
          organization_id: organizationId,
          email: email(u.email),
          name: u.name,
          role: u.role,
          password_hash: passwordHash,
          active: 1,
          created_at: iso,
          updated_at: iso,
        })
        .execute();
    }

    const patientIds: string[] = [];
    for (const [first, last, phone] of PATIENTS) {
      const id = uuidv7();
      patientIds.push(id);
      await trx
        .insertInto('patients')
        .values({
          id,
          organization_id: organizationId,
          first_name: first,
          last_name: last,
          search_name: `${first} ${last}`.toLowerCase(),
          phone_number: phone,
          alt_phone_number: null,
          email: null,
          date_of_birth: null,
          mrn: null,
          notes: '',
          created_at: iso,
          updated_at: iso,
          version: 1,
        })
        .execute();
    }

    const agent1 = userIds['agent1@demo.test']!;
    const agent2 = userIds['agent2@demo.test']!;
    const calls = [
      { agent: agent1, patient: 0, dir: 'inbound', status: 'completed', outcome: 'resolved', start: 180, end: 172, notes: 'Asked about appointment time; confirmed for Thursday.' },
      { agent: agent1, patient: 1, dir: 'outbound', status: 'completed', outcome: 'callback_requested', start: 120, end: 115, notes: 'Wants a call back after 4pm about test results.' },
      { agent: agent2, patient: 2, dir: 'inbound', status: 'completed', outcome: 'information_given', start: 95, end: 90, notes: 'Clinic opening hours.' },
      { agent: agent2, patient: 3, dir: 'inbound', status: 'missed', outcome: null, start: 60, end: 59, notes: '' },
      { agent: agent1, patient: 4, dir: 'outbound', status: 'completed', outcome: 'voicemail', start: 30, end: 29, notes: 'Left voicemail re: referral.' },
    ];
    for (const c of calls) {
      await trx
        .insertInto('calls')
        .values({
          id: uuidv7(),
          organization_id: organizationId,
          patient_id: patientIds[c.patient]!,
          agent_id: c.agent,
          direction: c.dir,
          phone_number: PATIENTS[c.patient]![2],
          status: c.status,
          priority: 'normal',
          region: 'england',
          notes: c.notes,
          outcome: c.outcome,
          metadata: '{}',
          started_at: today(c.start),
          ended_at: today(c.end),
          created_at: today(c.start),
          updated_at: today(c.end),
          version: 1,
        })
        .execute();
    }

    const tasks = [
      { title: 'Call back Peter Okafor about test results', assignee: agent1, priority: 'high', due: -60, patient: 1 },
      { title: 'Send clinic leaflet to Sofia Lindqvist', assignee: agent2, priority: 'normal', due: -240, patient: 2 },
      { title: 'Follow up missed call from Ravi Sharma', assignee: agent2, priority: 'urgent', due: 30, patient: 3 },
      { title: 'Confirm referral with Eilidh MacLeod', assignee: agent1, priority: 'normal', due: -1440, patient: 4 },
      { title: 'Review weekly callback backlog', assignee: userIds['supervisor@demo.test']!, priority: 'low', due: -2880, patient: null },
    ];
    for (const t of tasks) {
      await trx
        .insertInto('tasks')
        .values({
          id: uuidv7(),
          organization_id: organizationId,
          title: t.title,
          description: '',
          assignee_id: t.assignee,
          created_by: userIds['supervisor@demo.test']!,
          priority: t.priority,
          status: 'open',
          due_date: at(t.due),
          call_id: null,
          patient_id: t.patient === null ? null : patientIds[t.patient]!,
          completed_at: null,
          created_at: iso,
          updated_at: iso,
          version: 1,
        })
        .execute();
    }

    for (const [email, startH, endH] of [
      ['agent1@demo.test', 8, 16],
      ['agent2@demo.test', 12, 20],
    ] as const) {
      const day = new Date(`${iso.slice(0, 10)}T00:00:00.000Z`).getTime();
      await trx
        .insertInto('schedules')
        .values({
          id: uuidv7(),
          organization_id: organizationId,
          staff_id: userIds[email]!,
          type: 'regular',
          status: 'scheduled',
          start_time: new Date(day + startH * 3_600_000).toISOString(),
          end_time: new Date(day + endH * 3_600_000).toISOString(),
          metadata: JSON.stringify({ location: 'Main Building' }),
          created_at: iso,
          updated_at: iso,
          version: 1,
        })
        .execute();
    }
  });
  return { organizationId };
}
