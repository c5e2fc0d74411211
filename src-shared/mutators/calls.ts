/**
 * call.create / call.update: the call status machine, `ended_at` and `duration_seconds`, phone
 * numbers in E.164 with the organization's country, outcome codes and the patient link.
 */
import { allowedCallTransitions, canTransitionCall, isCallEnded } from '../domain/call-status';
import type { CallRead } from '../schemas/calls';
import type { Mutator } from './define';
import { badTransition, conflict, invalid, notFound } from './rule-error';
import { callNumber, canSee, differs, durationSeconds, mergeFreeForm, toUtc } from './rules';
import type { MutatorTx } from './tx';

/** The patient's name for the call, or a 422 when the organization has no such patient. */
function patientName(tx: MutatorTx, patientId: string | null | undefined): string | null {
  if (!patientId) return null;
  const patient = tx.read('patient', patientId);
  if (patient === null) throw invalid({ patient_id: 'no such patient' });
  return patient?.full_name ?? null;
}

export const callCreate: Mutator<'call.create'> = {
  name: 'call.create',
  reads: (a) => ({ records: a.patient_id ? [['patient', a.patient_id]] : [] }),
  run(tx, a) {
    const phone = callNumber('phone_number', a.phone_number, tx.settings.default_country);
    const startedAt = a.started_at ? toUtc('started_at', a.started_at) : tx.now;
    const name = patientName(tx, a.patient_id);
    if (tx.taken('call', a.id)) throw conflict('a call with this id already exists');
    tx.write('call', {
      id: a.id,
      organization_id: tx.actor.organizationId,
      patient_id: a.patient_id ?? null,
      patient_name: name,
      agent_id: tx.actor.userId,
      agent_name: tx.actor.userId ? tx.actor.name : null,
      direction: a.direction,
      phone_number: phone,
      status: a.status ?? 'active',
      priority: a.priority ?? 'normal',
      region: a.region ?? null,
      notes: a.notes ?? '',
      outcome: null,
      metadata: a.metadata ?? {},
      started_at: startedAt,
      ended_at: null,
      duration_seconds: null,
      created_at: tx.now,
      updated_at: tx.now,
      version: 0,
    });
  },
};

/** Seed 003's PATCH may also set the region; the sync mutator does not carry it. */
export interface CallUpdateExtra {
  region?: CallRead['region'];
}

export const callUpdate: Mutator<'call.update', CallUpdateExtra> = {
  name: 'call.update',
  reads: (a) => ({ records: [['call', a.id], ...(a.patient_id ? [['patient', a.patient_id] as ['patient', string]] : [])], dispositions: !!a.outcome }),
  run(tx, a) {
    const current = tx.read('call', a.id);
    if (!current || !canSee(tx.actor, 'call', current)) throw notFound('call');
    const codes = tx.settings.dispositions;
    if (a.outcome && codes && !codes.includes(a.outcome)) {
      throw invalid({ outcome: `unknown disposition code "${a.outcome}" (GET /api/v1/organizations/{org_id}/dispositions lists them)` });
    }
    const next: CallRead = { ...current };
    if (a.patient_id !== undefined) {
      next.patient_id = a.patient_id;
      next.patient_name = patientName(tx, a.patient_id);
    }
    // When a status change really happened (a call logged offline keeps its real end time).
    const at = a.at ? toUtc('at', a.at) : undefined;
    if (a.status && a.status !== current.status) {
      if (!canTransitionCall(current.status, a.status)) throw badTransition('call', current.status, a.status, allowedCallTransitions(current.status));
      next.status = a.status;
      if (isCallEnded(a.status) && !current.ended_at) {
        next.ended_at = at && at >= current.started_at ? at : tx.now;
        next.duration_seconds = durationSeconds(current.started_at, next.ended_at);
      }
    }
    if (a.notes !== undefined) next.notes = a.notes;
    if (a.outcome !== undefined) next.outcome = a.outcome;
    if (a.priority !== undefined) next.priority = a.priority;
    if (a.region !== undefined) next.region = a.region;
    // Seed 003 PATCHes metadata as a partial object: merged over what is there.
    if (a.metadata !== undefined) next.metadata = mergeFreeForm('metadata', current.metadata, a.metadata);
    if (!differs(current, next)) return;
    next.updated_at = tx.now;
    tx.write('call', next);
  },
};
