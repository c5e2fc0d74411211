/**
 * The change sequence never lets a pull skip a change (docs/sync-protocol.md, "the change
 * sequence"): on PostgreSQL a sequence value is drawn when a transaction writes and becomes
 * visible when it commits, so without care a pull can see seq 12 while 11 is still to commit,
 * move its cursor past 11 and never deliver it. Here many writers create records through two
 * API instances on one database at once, while pullers on both instances follow the change log
 * with their cursors the whole time, as desktops do. Every puller's stream must be in order and
 * complete: each record created is delivered to each puller that may see it, by incremental
 * pulls alone (a record whose change the cursor moved past would never come).
 */
import { v7 as uuidv7 } from 'uuid';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApiServer, stopAndClean, type ApiServer } from '../support/api-server';
import { Http, type Session } from '../support/http';

const WRITERS = 12;
const RECORDS_PER_WRITER = 15;
const env = { RATE_LIMIT_PER_MINUTE: '1000000', RATE_LIMIT_PER_HOUR: '10000000', RATE_LIMIT_PER_DAY: '10000000' };

let a: ApiServer;
let b: ApiServer;
const via: Http[] = [];
let org: string;

beforeAll(async () => {
  a = await startApiServer({ env });
  b = await startApiServer({ env, dbPath: a.dbPath, orgs: a.orgs });
  via.push(new Http(a.url), new Http(b.url));
  org = a.orgs.demo;
});
afterAll(async () => {
  await stopAndClean(b, { keepStore: true });
  await stopAndClean(a);
});

interface Delivered {
  seq: number;
  id: string;
}

/** Follows the change log from the current head until told to stop, then to the end once more. */
class Puller {
  readonly delivered: Delivered[] = [];
  readonly cursors: number[] = [];
  private stopping = false;
  private readonly clientId = uuidv7();

  constructor(
    private readonly http: Http,
    private readonly session: Session,
  ) {}

  private async pullOnce(cursor: number): Promise<{ cursor: number; hasMore: boolean }> {
    const res = await this.http.get(`/api/v1/organizations/${org}/sync/pull?client_id=${this.clientId}&cursor=${cursor}&limit=50`, this.session);
    expect(res.status, res.text).toBe(200);
    for (const c of res.body.changes as { id: string; seq: number }[]) this.delivered.push({ seq: c.seq, id: c.id });
    this.cursors.push(res.body.cursor);
    return { cursor: res.body.cursor, hasMore: res.body.has_more };
  }

  async run(): Promise<void> {
    let cursor = 0;
    // the fresh pull (everything so far); what counts is what follows
    for (let more = true; more; ) ({ cursor, hasMore: more } = await this.pullOnce(cursor));
    this.delivered.length = 0;
    while (!this.stopping) ({ cursor } = await this.pullOnce(cursor));
    for (let more = true; more; ) ({ cursor, hasMore: more } = await this.pullOnce(cursor));
  }

  stop(): void {
    this.stopping = true;
  }
}

describe('writers and pullers on two instances at once', () => {
  it('every puller receives every change it may see, in sequence order, by incremental pulls', async () => {
    const [agent1, agent2, supervisorA, supervisorB, agent1Puller] = await Promise.all([
      via[0]!.login('agent1@demo.test'),
      via[1]!.login('agent2@demo.test'),
      via[0]!.login('supervisor@demo.test'),
      via[1]!.login('supervisor@demo.test'),
      via[1]!.login('agent1@demo.test'),
    ]);
    const pullers = [new Puller(via[0]!, supervisorA), new Puller(via[1]!, supervisorB), new Puller(via[1]!, agent1Puller)];
    const following = pullers.map((p) => p.run());
    // let every puller finish its fresh pull before the writes it must follow begin
    await Promise.all(pullers.map((p) => expect.poll(() => p.cursors.length, { timeout: 60_000 }).toBeGreaterThan(1)));

    const created: { id: string; by: string }[] = [];
    const writer = async (w: number) => {
      const session = w % 2 ? agent2 : agent1;
      for (let i = 0; i < RECORDS_PER_WRITER; i++) {
        // each writer alternates instances, so both write the same organization's log at once
        const http = via[(w + i) % 2]!;
        const res = await http.post(`/api/v1/organizations/${org}/calls`, { direction: 'inbound', phone_number: '+447700900786', notes: `w${w}.${i}` }, session);
        expect(res.status, res.text).toBe(201);
        created.push({ id: res.body.id, by: session.user.id });
      }
    };
    await Promise.all(Array.from({ length: WRITERS }, (_, w) => writer(w)));
    pullers.forEach((p) => p.stop());
    await Promise.all(following);

    expect(created).toHaveLength(WRITERS * RECORDS_PER_WRITER);
    const mayBeSeenBy = [() => true, () => true, (c: { by: string }) => c.by === agent1.user.id];
    pullers.forEach((puller, i) => {
      const seqs = puller.delivered.map((d) => d.seq);
      expect(seqs, `puller ${i}: strictly increasing`).toEqual([...new Set(seqs)].sort((x, y) => x - y));
      expect(puller.cursors, `puller ${i}: the cursor never moves back`).toEqual([...puller.cursors].sort((x, y) => x - y));
      const got = new Set(puller.delivered.map((d) => d.id));
      const missing = created.filter(mayBeSeenBy[i]!).filter((c) => !got.has(c.id));
      expect(missing, `puller ${i}: changes its cursor moved past`).toEqual([]);
    });
    // the agent's puller saw its own calls only
    const agentGot = new Set(pullers[2]!.delivered.map((d) => d.id));
    expect(created.filter((c) => c.by !== agent1.user.id && agentGot.has(c.id))).toEqual([]);
  });
});
