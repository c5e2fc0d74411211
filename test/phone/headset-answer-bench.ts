/**
 * The headset part of `npm run bench:phone` (test/phone/phone-bench.ts), on the same rig and the
 * same two agents: B has a simulated Jabra headset (test/phone/headset/fake-hid.ts, the WebHID
 * device test/phone/headset.test.ts uses) paired with "Connect headset". A calls B; once B rings
 * (the ringing card on screen and the headset's ring light on), B answers, alternating:
 *   headset: the hook switch goes off-hook (an input report on the HIDDevice)
 *   click:   a click on the ringing card's Answer button (the baseline, measured in the same run)
 * and each is timed, from the press or click, to
 *   200 OK sent:    the SIP answer leaving on B's WebSocket
 *   audio flowing:  the first audio packet from A counted by B's peer connection (getStats)
 * Times come from B's page itself (a wrapper on WebSocket.send, a getStats poll every 2 ms), so
 * no Playwright round trip is counted.
 */
import type { Page } from 'playwright-core';
import { beAvailable, dialFromPad, waitFor, type Agent } from './agents';
import { fakeHid, headsetSpec, installFakeHid, USAGE } from './headset/fake-hid';
import { JABRA } from './headset/fixtures';

const jabra = headsetSpec(JABRA);

// tsx compiles with esbuild's keepNames, which wraps named functions in a `__name` helper that
// does not exist in the page: functions sent into the page need this stand-in (vitest has none).
// (Built from a string so esbuild cannot wrap the shim itself.)
const KEEP_NAMES_SHIM = new Function("Object.defineProperty(globalThis, '__name', { value: function (f) { return f; } });") as () => void;

/** What B's page needs before the app loads: the simulated headset. */
export const HEADSET_INIT_SCRIPTS: (() => void)[] = [KEEP_NAMES_SHIM, installFakeHid];

/** Records when B's page sends each SIP response to an INVITE (status, time); run before the phone starts. */
export const RECORD_INVITE_ANSWERS = `(() => {
  const sent = [];
  Object.defineProperty(window, '__inviteAnswers', { value: sent });
  const original = WebSocket.prototype.send;
  WebSocket.prototype.send = function (data) {
    if (typeof data === 'string') {
      const status = /^SIP\\/2\\.0 (\\d{3})/.exec(data);
      if (status && /\\r\\nCSeq:\\s*\\d+\\s+INVITE\\r\\n/i.test(data)) sent.push({ status: Number(status[1]), at: performance.now() });
    }
    return original.call(this, data);
  };
})();`;

type Kind = 'headset' | 'click';
export type AnswerTimes = Record<Kind, { ok: number[]; audio: number[] }>;

/** Plugs the headset into B and pairs it through the phone settings, as an agent would. */
export async function pairHeadset(b: Agent): Promise<void> {
  await fakeHid(b.page).plug(jabra);
  await b.status.click();
  await b.page.getByRole('tab', { name: 'Settings' }).click();
  const section = b.page.getByRole('region', { name: 'Headset' });
  await section.getByRole('button', { name: 'Connect headset' }).click();
  await waitFor(async () => ((await section.getByRole('listitem').filter({ hasText: JABRA.name }).textContent()) ?? '').includes('in use'), 15_000, 'the headset in use');
  await b.page.getByRole('button', { name: 'Close phone' }).click();
}

/** Starts the answer (press or click) inside B's page; resolves with both intervals in ms. */
function answerTimed(page: Page, kind: Kind): Promise<{ ok: number; audio: number }> {
  return page.evaluate(
    async ({ kind, key, hook }) => {
      const w = globalThis as any;
      const answersBefore = w.__inviteAnswers.length;
      const live = () => (w.__testPeerConnections as any[]).filter((pc) => pc.connectionState !== 'closed');
      const button = [...w.document.querySelectorAll('[role="alertdialog"] button')].find((b: any) => b.textContent === 'Answer') as any;
      if (kind === 'click' && !button) throw new Error('no Answer button');
      const t0 = performance.now();
      if (kind === 'headset') w.__fakeHid.press(key, hook);
      else button!.click();
      let ok: number | null = null;
      let audio: number | null = null;
      const until = t0 + 15_000;
      while ((ok === null || audio === null) && performance.now() < until) {
        if (ok === null) {
          const answer = (w.__inviteAnswers as { status: number; at: number }[]).slice(answersBefore).find((a) => a.status === 200);
          if (answer) ok = answer.at - t0;
        }
        if (audio === null) {
          for (const pc of live()) {
            const stats = await pc.getStats();
            stats.forEach((r: any) => {
              if (audio === null && r.type === 'inbound-rtp' && r.kind === 'audio' && (r.packetsReceived ?? 0) > 0) audio = performance.now() - t0;
            });
          }
        }
        await new Promise((r) => setTimeout(r, 2));
      }
      if (ok === null || audio === null) throw new Error(`the ${kind} answer did not complete (200 OK ${ok}, audio ${audio})`);
      return { ok, audio };
    },
    { kind, key: jabra.key, hook: USAGE.hookSwitch },
  );
}

async function oneAnswer(a: Agent, b: Agent, kind: Kind): Promise<{ ok: number; audio: number }> {
  // B's previous call left it in after-call work, where it would decline 486 Busy Here.
  await beAvailable(b);
  await dialFromPad(a, b.number);
  const hid = fakeHid(b.page);
  await waitFor(async () => (await b.page.getByRole('alertdialog').getByRole('button', { name: 'Answer' }).count()) === 1, 15_000, 'B to ring');
  // The headset knows the call rings (its ring light is on): a press now is an answer.
  await waitFor(async () => (await hid.light(jabra, USAGE.ring)) === 1, 15_000, "the headset's ring light");
  const timing = await answerTimed(b.page, kind);
  const card = a.page.getByRole('region', { name: /^Call with / });
  await waitFor(async () => (await card.getByTestId('call-state').textContent().catch(() => '')) === 'Connected', 15_000, 'A to show Connected');
  await card.getByRole('button', { name: 'Hang up' }).click();
  await waitFor(async () => (await a.page.locator('[data-call-id]').count()) === 0 && (await b.page.locator('[data-call-id]').count()) === 0, 15_000, 'both phones idle');
  await waitFor(async () => (await hid.light(jabra, USAGE.offHook)) === 0, 15_000, "the headset's off-hook light off");
  return timing;
}

/** `rounds` answers of each kind, alternating, after one warm-up of each (B must not auto-answer). */
export async function measureHeadsetAnswers(a: Agent, b: Agent, rounds: number): Promise<AnswerTimes> {
  await oneAnswer(a, b, 'headset');
  await oneAnswer(a, b, 'click');
  const runs: AnswerTimes = { headset: { ok: [], audio: [] }, click: { ok: [], audio: [] } };
  for (let i = 0; i < rounds * 2; i++) {
    const kind: Kind = i % 2 === 0 ? 'headset' : 'click';
    const r = await oneAnswer(a, b, kind);
    runs[kind].ok.push(r.ok);
    runs[kind].audio.push(r.audio);
  }
  return runs;
}
