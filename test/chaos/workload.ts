/**
 * Workloads of the chaos tests. Every write carries a distinct label (its notes or title), so
 * the server's audit trail can be compared exactly with the list of writes a client made.
 */
import { v7 as uuidv7 } from 'uuid';
import type { IpcArgs, IpcMethod, IpcResult } from '../../src-shared/ipc/contract';
import type { Http, Session } from '../support/http';

/** A desktop core, in the test process (TestCore) or in a child (ClientProcess). */
export interface Invoker {
  invoke<M extends IpcMethod>(method: M, args: IpcArgs<M>): Promise<IpcResult<M>>;
}

/** The writes one client made, as audit labels (see invariants.labelOf), in order. */
export type WriteLog = string[];

/** A write that was sent but whose answer never came (the client died): it may or may not exist. */
export type Uncertain = { kind: 'create'; notes: string } | { kind: 'update'; id: string; notes: string } | null;

/**
 * Logs `count` calls, each created then given a note: two mutations per call. Stops at the first
 * failure (the client was killed) and says which write was left without an answer.
 */
export async function logCalls(client: Invoker, count: number, tag: string, writes: WriteLog): Promise<{ ids: string[]; uncertain: Uncertain }> {
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    const created = `${tag}.${i}.c`;
    let call: IpcResult<'call.create'>;
    try {
      call = await client.invoke('call.create', { direction: 'inbound', phone_number: '07700 900123', notes: created });
    } catch {
      return { ids, uncertain: { kind: 'create', notes: created } };
    }
    writes.push(`create call ${call.id}`);
    ids.push(call.id);
    const updated = `${tag}.${i}.u`;
    try {
      await client.invoke('call.update', { id: call.id, patch: { notes: updated } });
    } catch {
      return { ids, uncertain: { kind: 'update', id: call.id, notes: updated } };
    }
    writes.push(`update call ${call.id} notes=${updated}`);
  }
  return { ids, uncertain: null };
}

/**
 * Settles a write left without an answer by a crash: SQLite committed it (row and outbox entry
 * together) or it never happened. Returns whether it exists.
 */
export function settleUncertain(uncertain: Uncertain, calls: Map<string, Record<string, unknown>>, writes: WriteLog): boolean {
  if (!uncertain) return false;
  if (uncertain.kind === 'create') {
    const found = [...calls.values()].find((c) => c.notes === uncertain.notes);
    if (found) writes.push(`create call ${String(found.id)}`);
    return !!found;
  }
  const exists = calls.get(uncertain.id)?.notes === uncertain.notes;
  if (exists) writes.push(`update call ${uncertain.id} notes=${uncertain.notes}`);
  return exists;
}

/**
 * A raw sync-protocol client (its own client id and seq counter) for seeding large change sets
 * quickly: up to 500 mutations per request, exactly as a desktop would send them.
 */
export class RawSyncClient {
  readonly clientId = uuidv7();
  private seq = 0;

  constructor(
    private readonly http: Http,
    private readonly session: Session,
    private readonly org: string,
  ) {}

  async push(mutations: { name: string; args: Record<string, unknown> }[]): Promise<void> {
    for (let i = 0; i < mutations.length; i += 500) {
      const batch = mutations.slice(i, i + 500).map((m) => ({ seq: ++this.seq, id: uuidv7(), name: m.name, args: m.args }));
      const res = await this.http.post(`/api/v1/organizations/${this.org}/sync/push`, { client_id: this.clientId, schema_version: 1, mutations: batch }, this.session);
      if (res.status !== 200) throw new Error(`seeding push answered ${res.status}: ${res.text}`);
      const refused = (res.body.results as { status: string; error?: unknown }[]).filter((r) => r.status !== 'applied');
      if (refused.length) throw new Error(`seeding push refused: ${JSON.stringify(refused[0])}`);
    }
  }
}

/** Picks one element with a seeded generator. */
export const pick = <T>(random: () => number, items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
