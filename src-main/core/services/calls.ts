/** Calls: started and updated locally (queued for sync), listed from the local store. */
import { v7 as uuidv7 } from 'uuid';
import type { IpcArgs, IpcResult } from '../../../src-shared/ipc/contract';
import type { CallRead } from '../../../src-shared/schemas/calls';
import { toUtc } from '../../../src-shared/mutators';
import type { LocalWriter } from '../local-writes';
import type { LocalStore } from '../store';

export class CallService {
  constructor(
    private readonly store: LocalStore,
    private readonly writer: LocalWriter,
    private readonly now: () => number,
  ) {}

  create(args: IpcArgs<'call.create'>): CallRead {
    const startedAt = args.started_at ?? new Date(this.now()).toISOString();
    return this.writer.write<CallRead>('call.create', { ...args, id: uuidv7(), started_at: startedAt });
  }

  update({ id, patch, at }: IpcArgs<'call.update'>): CallRead {
    return this.writer.write<CallRead>('call.update', { ...patch, id, ...(at ? { at } : {}) });
  }

  get(id: string): CallRead | null {
    return this.store.entities.get<CallRead>('call', id)?.data ?? null;
  }

  /** Without from/to: today's calls (UTC day), newest first. */
  list(args: IpcArgs<'calls.list'>): IpcResult<'calls.list'> {
    let from = args.from ? toUtc('from', args.from) : undefined;
    let to = args.to ? toUtc('to', args.to) : undefined;
    if (!from && !to) {
      const day = new Date(this.now()).toISOString().slice(0, 10);
      from = `${day}T00:00:00.000Z`;
      to = new Date(Date.parse(from) + 86_400_000).toISOString();
    }
    const where: string[] = [];
    const params: unknown[] = [];
    const add = (clause: string, value: unknown) => {
      where.push(clause);
      params.push(value);
    };
    if (from) add('started_at >= ?', from);
    if (to) add('started_at < ?', to);
    if (args.status) add('status = ?', args.status);
    if (args.outcome) add('outcome = ?', args.outcome);
    if (args.direction) add('direction = ?', args.direction);
    if (args.patient_id) add('patient_id = ?', args.patient_id);
    params.push(args.limit ?? 500);
    return this.store.entities.query<CallRead>('call', where.join(' AND '), params, 'ORDER BY started_at DESC, id DESC LIMIT ?');
  }
}
