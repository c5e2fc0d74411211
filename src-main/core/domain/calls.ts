/** call.create / call.update applied locally with the API's rules (status machine, E.164, ended_at). */
import { allowedCallTransitions, canTransitionCall, isCallEnded } from '../../../src-shared/domain/call-status';
import { toE164 } from '../../../src-shared/domain/phone';
import type { CallRead } from '../../../src-shared/schemas/calls';
import type { MutatorArgs } from '../../../src-shared/schemas/sync';
import { CoreError, invalid, notFound } from '../errors';
import { changedFields, toUtc, type MutatorContext } from './context';

type Create = MutatorArgs<'call.create'>;
type Update = MutatorArgs<'call.update'>;

function e164(field: string, text: string): string {
  const phone = toE164(text);
  if (!phone) throw invalid({ [field]: 'not a valid phone number' });
  return phone;
}

const durationSeconds = (started: string, ended: string | null) =>
  ended ? Math.max(0, Math.round((Date.parse(ended) - Date.parse(started)) / 1000)) : null;

export const callCreate = {
  prepare(args: Create): Create {
    return { ...args, phone_number: e164('phone_number', args.phone_number), ...(args.started_at ? { started_at: toUtc(args.started_at) } : {}) };
  },
  apply(args: Create, _current: CallRead | null, ctx: MutatorContext): CallRead {
    const startedAt = args.started_at ?? ctx.now;
    const patientId = args.patient_id ?? null;
    return {
      id: args.id,
      organization_id: ctx.user.organization_id,
      patient_id: patientId,
      patient_name: patientId ? (ctx.patient(patientId)?.full_name ?? null) : null,
      agent_id: ctx.user.id,
      agent_name: ctx.user.name,
      direction: args.direction,
      phone_number: args.phone_number,
      status: args.status ?? 'active',
      priority: args.priority ?? 'normal',
      region: args.region ?? null,
      notes: args.notes ?? '',
      outcome: null,
      metadata: args.metadata ?? {},
      started_at: startedAt,
      ended_at: null,
      duration_seconds: null,
      created_at: ctx.now,
      updated_at: ctx.now,
      // 0 until the server has it: the server's first version is 1
      version: 0,
    };
  },
};

export const callUpdate = {
  prepare(args: Update, current: CallRead | null, ctx: MutatorContext): Update | null {
    if (!current) throw notFound('call');
    const { id, at, ...patch } = args;
    if (patch.outcome) {
      const codes = ctx.dispositions();
      // An empty cache (never online yet) cannot tell: leave the check to the server.
      if (codes.length && !codes.some((d) => d.code === patch.outcome)) throw invalid({ outcome: `unknown outcome "${patch.outcome}"` });
    }
    const changed = changedFields(patch, current as unknown as Record<string, unknown>);
    if (patch.metadata) {
      const merged = { ...current.metadata, ...patch.metadata };
      if (JSON.stringify(merged) === JSON.stringify(current.metadata)) delete changed.metadata;
    }
    if (Object.keys(changed).length === 0) return null;
    // The moment of a status change is sent along, so an offline-logged call keeps its real end time.
    const when = changed.status ? toUtc(at ?? ctx.now) : undefined;
    return { id, ...changed, ...(when ? { at: when } : {}) } as Update;
  },
  apply(args: Update, current: CallRead | null, ctx: MutatorContext): CallRead {
    if (!current) throw notFound('call');
    const next: CallRead = { ...current };
    if (args.status && args.status !== current.status) {
      if (!canTransitionCall(current.status, args.status)) {
        const allowed = allowedCallTransitions(current.status).join(', ') || 'none (final status)';
        throw new CoreError('INVALID_STATUS_TRANSITION', `a call cannot go from ${current.status} to ${args.status}`, {
          status: `allowed from ${current.status}: ${allowed}`,
        });
      }
      next.status = args.status;
      if (isCallEnded(args.status) && !current.ended_at) {
        const at = args.at ?? ctx.now;
        next.ended_at = at >= current.started_at ? at : ctx.now;
        next.duration_seconds = durationSeconds(current.started_at, next.ended_at);
      }
    }
    if (args.notes !== undefined) next.notes = args.notes;
    if (args.outcome !== undefined) next.outcome = args.outcome;
    if (args.priority !== undefined) next.priority = args.priority;
    if (args.patient_id !== undefined) {
      next.patient_id = args.patient_id;
      next.patient_name = args.patient_id ? (ctx.patient(args.patient_id)?.full_name ?? null) : null;
    }
    if (args.metadata !== undefined) next.metadata = { ...current.metadata, ...args.metadata };
    next.updated_at = ctx.now;
    return next;
  },
};
