/**
 * Writes each call leg to the call log through the core ('call.create' / 'call.update'), in the
 * order the SIP events happened and stamped with when they happened (`started_at`, `at`), so the
 * core derives ended_at and duration from the real events. The core writes locally first, so this
 * works while the central API is down. One promise chain per leg: an update never overtakes the
 * start it belongs to.
 */
import type { CallStatus } from '../../src-shared/domain/call-status';
import type { IpcArgs, IpcResult } from '../../src-shared/ipc/contract';
import type { CallRead } from '../../src-shared/schemas/calls';

export interface CallLogPort {
  start(args: IpcArgs<'call.create'>): Promise<IpcResult<'call.create'>>;
  update(args: IpcArgs<'call.update'>): Promise<IpcResult<'call.update'>>;
}

export interface LegStart {
  direction: 'inbound' | 'outbound';
  phoneNumber: string;
  patientId: string | null;
  status: CallStatus;
  at: number;
  notes?: string;
  metadata: Record<string, unknown>;
}

interface Leg {
  /** the record as first created */
  started: Promise<CallRead | null>;
  chain: Promise<CallRead | null>;
  metadata: Record<string, unknown>;
}

export class CallLogger {
  private readonly legs = new Map<string, Leg>();

  constructor(
    private readonly port: CallLogPort,
    private readonly onRecord: (legId: string, record: CallRead) => void = () => undefined,
    private readonly onError: (legId: string, err: unknown) => void = (id, err) => console.error(`call log (${id}):`, err),
  ) {}

  /** `patient` may still be looking itself up: the start waits for it, the phone does not. */
  start(legId: string, leg: LegStart, patient?: Promise<string | null>): void {
    const metadata = { ...leg.metadata };
    const chain = (async () => {
      const patientId = leg.patientId ?? (patient ? await patient.catch(() => null) : null);
      const record = await this.port.start({
        direction: leg.direction,
        phone_number: leg.phoneNumber,
        status: leg.status as 'ringing',
        patient_id: patientId,
        started_at: new Date(leg.at).toISOString(),
        ...(leg.notes ? { notes: leg.notes } : {}),
        metadata,
      });
      this.onRecord(legId, record);
      return record;
    })().catch((err: unknown) => {
      this.onError(legId, err);
      return null;
    });
    this.legs.set(legId, { started: chain, chain, metadata });
  }

  /** The leg's call record once created (null when it is not logged or the start failed). */
  record(legId: string): Promise<CallRead | null> {
    return this.legs.get(legId)?.started ?? Promise.resolve(null);
  }

  status(legId: string, status: CallStatus, at: number, metadata: Record<string, unknown> = {}): void {
    this.patch(legId, { status }, at, metadata);
  }

  /** Adds facts to the leg's metadata (transfer targets, SIP codes) on its next write or now. */
  patch(legId: string, patch: { status?: CallStatus; patient_id?: string | null }, at: number, metadata: Record<string, unknown> = {}): void {
    const leg = this.legs.get(legId);
    if (!leg) return;
    Object.assign(leg.metadata, metadata);
    const snapshot = { ...leg.metadata };
    leg.chain = leg.chain.then(async (record) => {
      if (!record) return null;
      try {
        const updated = await this.port.update({
          id: record.id,
          patch: { ...patch, ...(Object.keys(metadata).length > 0 ? { metadata: snapshot } : {}) },
          at: new Date(at).toISOString(),
        });
        this.onRecord(legId, updated);
        return updated;
      } catch (err) {
        this.onError(legId, err);
        return record;
      }
    });
  }

  /** Resolves when every write queued so far is done (tests, shutdown). */
  async flush(): Promise<void> {
    await Promise.all([...this.legs.values()].map((l) => l.chain));
  }

  forget(legId: string): void {
    this.legs.delete(legId);
  }
}
