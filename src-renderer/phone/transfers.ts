/**
 * The two ways an agent hands a caller on, as REFER flows (RFC 3515 / RFC 5589):
 * - blind: REFER the caller to a number and hang up as soon as they accept it (202);
 * - attended: the agent has consulted the new party on a second leg; REFER the caller with
 *   Replaces naming that leg, wait for the caller's NOTIFY saying the new call is up (sipfrag 2xx),
 *   then hang up; the consulted party's phone ends the consult leg when the caller's INVITE
 *   replaces it. A failed NOTIFY keeps both legs so the agent can take the caller back.
 */
import type { Notification, URI } from 'sip.js';
import type { PhoneCall } from './phone-call';

/** Status code of a message/sipfrag NOTIFY body ("SIP/2.0 200 OK"), or null. */
export function sipfragStatus(notification: Notification): number | null {
  const m = /^SIP\/2\.0\s+(\d{3})/m.exec(notification.request.body ?? '');
  return m ? Number(m[1]) : null;
}

export async function startBlindTransfer(call: PhoneCall, target: URI, number: string): Promise<void> {
  if (!call.connected) throw new Error('Only a connected call can be transferred.');
  call.update({ transfer: { kind: 'blind', target: number, state: 'requested', detail: null } });
  await call.session.refer(target, {
    requestDelegate: {
      onAccept: () => {
        call.update({ transfer: { kind: 'blind', target: number, state: 'done', detail: null } });
        void call.hangup('transferred');
      },
      onReject: (response) => {
        call.update({ transfer: { kind: 'blind', target: number, state: 'failed', detail: `${response.message.statusCode} ${response.message.reasonPhrase}` } });
      },
    },
    onNotify: (notification) => void notification.accept(),
  });
}

export async function completeAttendedTransfer(original: PhoneCall, consult: PhoneCall): Promise<void> {
  if (!original.connected || !consult.connected) throw new Error('Both calls must be connected to complete the transfer.');
  const target = consult.snapshot.number;
  const set = (state: 'requested' | 'failed' | 'done', detail: string | null = null) =>
    original.update({ transfer: { kind: 'attended', target, state, detail } });
  set('requested');
  let settled = false;
  await original.session.refer(consult.session, {
    requestDelegate: {
      onReject: (response) => {
        settled = true;
        set('failed', `${response.message.statusCode} ${response.message.reasonPhrase}`);
      },
    },
    onNotify: (notification) => {
      void notification.accept();
      const code = sipfragStatus(notification);
      if (settled || code === null || code < 200) return;
      settled = true;
      if (code < 300) {
        set('done');
        consult.expectEnd('replaced');
        void original.hangup('transferred');
        // The consulted party's phone normally ends this leg itself; don't leave it dangling.
        setTimeout(() => void consult.hangup('replaced').catch(() => undefined), 3000);
      } else {
        set('failed', `the new call failed: ${code}`);
      }
    },
  });
}
