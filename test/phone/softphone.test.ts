/**
 * The softphone end to end, as agents use it: the real API, three agent desktops (Node host +
 * core + the built renderer in Debian's Chromium with fake media devices), Debian's Kamailio as
 * the SIP WebSocket registrar and proxy, all inside a loopback-only network namespace.
 *
 * Cast: A (agent1) plays the patient's phone: her line +442079460101 is patient Grace Hopper's
 * number, so whoever she calls gets Grace's screen pop. B (agent2) is +442079460102, also patient
 * Bea Brown's number (A calls "Bea" from Bea's patient card and B's phone rings). C (supervisor)
 * is +442079460103. The cases run in order and share the rig; every call they make is checked
 * against the API at the end.
 */
import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { startApiServer, stopAndClean, type ApiServer } from '../support/api-server';
import { Http, type Session } from '../support/http';
import { startKamailio, type Kamailio } from '../support/kamailio';
import { audioFlow, beAvailable, buildRenderer, callCard, dialFromPad, incoming, launchBrowser, openAgent, setUpPhone, waitFor, type Agent } from './agents';
import { loopbackSuite } from './netns-suite';
import { rmSync } from 'node:fs';

const T = {
  register: 'agents sign in, set up their phones in the settings form and register',
  call: 'A calls B from a patient card: B sees the screen pop, answers, and audio flows both ways',
  hold: 'hold stops the audio both ways and resume restarts it',
  dtmf: 'the keypad sends DTMF: RFC 4733 tones in the audio, SIP INFO when set',
  waiting: 'B picks separate mic, speaker and ringer; a second call during a call is offered as call waiting',
  blind: 'blind transfer: B hands A over to C',
  attended: 'attended transfer: B consults C, then connects A to C (REFER with Replaces)',
  decline: 'declined with the API down: screen pop from the local directory, missed for B, failed for A, logged locally',
  missed: 'unanswered: missed when the caller gives up and when it rings out',
  restart: 'Kamailio killed and restarted: every agent registers again by itself and calls route again',
  server: 'afterwards the API holds every call with the right status and duration',
} as const;

const DOMAIN = 'oncall.test';
const NUMBERS = { A: '+442079460101', B: '+442079460102', C: '+442079460103' } as const;
const SIP_PASSWORDS = { A: 'sip-secret-a', B: 'sip-secret-b', C: 'sip-secret-c' } as const;
type Who = keyof typeof NUMBERS;

interface Expected {
  who: Who;
  direction: 'inbound' | 'outbound';
  number: string;
  status: string;
  /** test clock around the call: the record's duration must fall inside */
  from: number;
  to: number;
  /** the patient the record is linked to (card it was dialled from, or the screen pop) */
  patient?: string;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

loopbackSuite(import.meta.filename, 'softphone end to end', Object.values(T), 1_200_000, () => {
  let api: ApiServer;
  let kamailio: Kamailio;
  let browser: Browser;
  let rendererDir: string;
  let supervisor: Session;
  const agents = {} as Record<Who, Agent>;
  const expected: Expected[] = [];
  const expect2 = (who: Who, direction: Expected['direction'], other: Who, status: string, from: number, to: number, patient?: string) =>
    expected.push({ who, direction, number: NUMBERS[other], status, from, to, patient });

  beforeAll(async () => {
    [api, rendererDir] = await Promise.all([startApiServer(), buildRenderer()]);
    const http = new Http(api.url);
    supervisor = await http.login('supervisor@demo.test');
    for (const [first, last, phone] of [
      ['Grace', 'Hopper', NUMBERS.A],
      ['Bea', 'Brown', NUMBERS.B],
    ]) {
      const res = await http.post(`/api/v1/organizations/${api.orgs.demo}/patients`, { first_name: first, last_name: last, phone_number: phone }, supervisor);
      if (res.status !== 201) throw new Error(`patient: ${res.status} ${res.text}`);
    }
    kamailio = await startKamailio({ domain: DOMAIN, users: { [NUMBERS.A]: SIP_PASSWORDS.A, [NUMBERS.B]: SIP_PASSWORDS.B, [NUMBERS.C]: SIP_PASSWORDS.C } });
    browser = await launchBrowser();
  });

  afterAll(async () => {
    for (const a of Object.values(agents)) await a.close();
    await browser?.close();
    await kamailio?.close();
    await stopAndClean(api);
    if (rendererDir) rmSync(rendererDir, { recursive: true, force: true });
  });

  // A failed case must not leave calls up for the next one: hang up and decline whatever is left.
  // (Only then: the call made in one case is held and keyed in the next ones.)
  beforeEach(({ onTestFailed }) => {
    onTestFailed(async () => {
      for (const a of Object.values(agents)) {
        for (const button of await a.page.getByRole('button', { name: /^(Hang up|Decline)$/ }).all()) await button.click({ timeout: 1000 }).catch(() => undefined);
        await expect.poll(() => a.page.locator('[data-call-id]').count(), { timeout: 20_000 }).toBe(0).catch(() => undefined);
      }
    });
  });

  it(T.register, async () => {
    const cast: [Who, string, string][] = [
      ['A', 'Alex', 'agent1@demo.test'],
      ['B', 'Blair', 'agent2@demo.test'],
      ['C', 'Sam', 'supervisor@demo.test'],
    ];
    for (const [who, name, email] of cast) {
      agents[who] = await openAgent(browser, { name, email, number: NUMBERS[who], apiUrl: api.url, rendererDir, sipWsUrl: kamailio.wsUrl });
      await expect.poll(() => agents[who].status.textContent()).toContain('Phone: not configured');
    }
    for (const [who] of cast) {
      await setUpPhone(agents[who], { wsUrl: kamailio.wsUrl, domain: DOMAIN, password: SIP_PASSWORDS[who], noAnswerSeconds: who === 'B' ? 6 : undefined });
      expect(await agents[who].status.textContent()).toContain('Phone: ready');
    }
    // The screen pop reads the local patient directory: wait until B's and C's desktops have it.
    for (const who of ['B', 'C'] as const) {
      await waitFor(
        () => agents[who].page.evaluate((n) => (globalThis as any).oncall.invoke('patients.lookupByNumber', { phone: n }).then((p: unknown) => p !== null), NUMBERS.A),
        60_000,
        `${who}'s desktop to sync the patients`,
      );
    }
  });

  let callStart = 0;
  it(T.call, async () => {
    const { A, B } = agents;
    await A.page.getByRole('link', { name: /Patients/ }).click();
    await A.page.getByLabel('Search patients').fill('Bea');
    await A.page.getByRole('button', { name: /Bea Brown/ }).click();
    callStart = Date.now();
    await A.page.getByRole('button', { name: `Call ${NUMBERS.B}` }).click();

    const ringing = incoming(B);
    await expect.poll(() => ringing.getAttribute('aria-label')).toBe('Incoming call');
    await expect.poll(() => ringing.getByTestId('screen-pop').textContent()).toContain('Grace Hopper');
    await ringing.getByRole('button', { name: 'Answer' }).click();

    await expect.poll(() => callCard(A, 'Bea Brown').getByTestId('call-state').textContent()).toBe('Connected');
    await expect.poll(() => callCard(B, 'Grace Hopper').getByTestId('call-state').textContent()).toBe('Connected');
    // Answering opens the caller's patient card.
    await B.page.getByRole('heading', { name: 'Grace Hopper' }).waitFor();
    const [toA, toB] = await audioFlow([A.page, B.page], 1500);
    expect(toA, 'audio bytes A received').toBeGreaterThan(2000);
    expect(toB, 'audio bytes B received').toBeGreaterThan(2000);
  });

  it(T.hold, async () => {
    const { A, B } = agents;
    await callCard(A, 'Bea Brown').getByRole('button', { name: 'Hold' }).click();
    await expect.poll(() => callCard(A, 'Bea Brown').getByTestId('call-state').textContent()).toBe('On hold');
    await expect.poll(() => callCard(B, 'Grace Hopper').getByTestId('call-state').textContent()).toBe('Held by the other party');
    await sleep(500);
    const held = await audioFlow([A.page, B.page], 1500);
    expect(held, 'audio bytes received while held').toEqual([0, 0]);

    await callCard(A, 'Bea Brown').getByRole('button', { name: 'Resume' }).click();
    await expect.poll(() => callCard(B, 'Grace Hopper').getByTestId('call-state').textContent()).toBe('Connected');
    const resumed = await audioFlow([A.page, B.page], 1500);
    expect(resumed[0], 'A receives again').toBeGreaterThan(2000);
    expect(resumed[1], 'B receives again').toBeGreaterThan(2000);
  });

  it(T.dtmf, async () => {
    const { A, B } = agents;
    const cardA = callCard(A, 'Bea Brown');
    await cardA.getByRole('button', { name: 'Keypad' }).click();
    for (const key of ['1', '2', '#']) await cardA.getByRole('button', { name: `Send tone ${key}` }).click();
    // RFC 4733: the browser's DTMF sender reports each tone as it plays it into the RTP stream.
    await expect.poll(() => cardA.getByTestId('dtmf-sent').textContent(), { timeout: 20_000 }).toBe('Sent: 12#');

    // B switches to SIP INFO in the settings form; A's phone shows what it receives.
    await B.status.click();
    await B.page.getByRole('tab', { name: 'Settings' }).click();
    await B.page.getByLabel('DTMF tones').selectOption('info');
    await B.page.getByRole('button', { name: 'Save phone settings' }).click();
    await B.page.getByRole('status').filter({ hasText: 'Saved' }).waitFor();
    await B.page.getByRole('tab', { name: 'Dialpad' }).click();
    const cardB = callCard(B, 'Grace Hopper');
    await cardB.getByRole('button', { name: 'Keypad' }).click();
    for (const key of ['5', '*']) await cardB.getByRole('button', { name: `Send tone ${key}` }).click();
    await expect.poll(() => cardA.getByTestId('dtmf-received').textContent(), { timeout: 20_000 }).toBe('Received: 5*');

    await cardB.getByRole('button', { name: 'Hang up' }).click();
    await expect.poll(() => cardA.count()).toBe(0);
    await expect.poll(() => cardB.count()).toBe(0);
    expect2('A', 'outbound', 'B', 'wrap_up', callStart, Date.now(), 'Bea Brown');
    expect2('B', 'inbound', 'A', 'wrap_up', callStart, Date.now(), 'Grace Hopper');
  });

  it(T.waiting, async () => {
    const { A, B, C } = agents;
    // B's headset: microphone, call audio and ringer each on their own device, remembered by the core.
    await B.status.click();
    await B.page.getByRole('tab', { name: 'Settings' }).click();
    const devices = B.page.getByRole('group', { name: 'Audio devices' });
    for (const [label, device] of [
      [/^Microphone/, 'Fake Audio Input 2'],
      [/^Speaker/, 'Fake Audio Output 1'],
      [/^Ringer/, 'Fake Audio Output 2'],
    ] as const) {
      await devices.getByRole('combobox', { name: label }).selectOption({ label: device });
    }
    const ids = await B.page.evaluate(async () => {
      const list = await (globalThis as any).navigator.mediaDevices.enumerateDevices();
      const id = (label: string) => list.find((d: any) => d.label === label).deviceId;
      return { mic: id('Fake Audio Input 2'), speaker: id('Fake Audio Output 1'), ringer: id('Fake Audio Output 2') };
    });
    await expect
      .poll(() => B.page.evaluate(() => (globalThis as any).oncall.invoke('phone.settings.get', {})))
      .toMatchObject({ mic_device_id: ids.mic, speaker_device_id: ids.speaker, ringer_device_id: ids.ringer });
    await B.page.getByRole('button', { name: 'Close phone' }).click();

    const sinks = () =>
      B.page.evaluate(() => {
        const doc = (globalThis as any).document;
        return {
          ringer: doc.querySelector('audio[data-phone-ringer]')?.srcObject ? doc.querySelector('audio[data-phone-ringer]').sinkId : null,
          calls: [...doc.querySelectorAll('audio[data-phone-call]')].filter((el: any) => el.srcObject).map((el: any) => el.sinkId),
        };
      });
    await beAvailable(B);
    const start = Date.now();
    await dialFromPad(A, NUMBERS.B);
    await incoming(B).waitFor();
    await expect.poll(async () => (await sinks()).ringer, { message: 'the ring tone plays on the ringer device' }).toBe(ids.ringer);
    await incoming(B).getByRole('button', { name: 'Answer' }).click();
    await expect.poll(() => callCard(B, 'Grace Hopper').getByTestId('call-state').textContent()).toBe('Connected');
    await expect.poll(async () => (await sinks()).calls, { message: 'call audio plays on the speaker device' }).toEqual([ids.speaker]);
    const micLabel = await B.page.evaluate(() => {
      const pcs = (globalThis as any).__testPeerConnections as any[];
      return pcs[pcs.length - 1].getSenders().find((s: any) => s.track?.kind === 'audio')?.track.label;
    });
    expect(micLabel).toBe('Fake Audio Input 2');

    const waitingStart = Date.now();
    await dialFromPad(C, NUMBERS.B);
    const waiting = incoming(B);
    await expect.poll(() => waiting.getAttribute('aria-label')).toBe('Call waiting');
    await expect.poll(() => waiting.getByTestId('screen-pop').textContent()).toContain(NUMBERS.C);
    // The waiting tone goes to the headset (speaker device), not the desk ringer.
    await expect.poll(async () => (await sinks()).ringer).toBe(ids.speaker);
    await waiting.getByRole('button', { name: 'Hold and answer' }).click();
    // C is not a patient: B's phone shows C's caller-ID name.
    await expect.poll(() => callCard(B, 'Sam').getByTestId('call-state').textContent()).toBe('Connected');
    await expect.poll(() => callCard(B, 'Grace Hopper').getByTestId('call-state').textContent()).toBe('On hold');
    await expect.poll(() => callCard(A, 'Bea Brown').getByTestId('call-state').textContent()).toBe('Held by the other party');

    await callCard(C, 'Bea Brown').getByRole('button', { name: 'Hang up' }).click();
    await expect.poll(() => callCard(B, 'Sam').count()).toBe(0);
    const waitingEnd = Date.now();
    await callCard(B, 'Grace Hopper').getByRole('button', { name: 'Resume' }).click();
    await expect.poll(() => callCard(A, 'Bea Brown').getByTestId('call-state').textContent()).toBe('Connected');
    await callCard(A, 'Bea Brown').getByRole('button', { name: 'Hang up' }).click();
    await expect.poll(() => B.page.locator('[data-call-id]').count()).toBe(0);
    const end = Date.now();
    expect2('A', 'outbound', 'B', 'wrap_up', start, end);
    expect2('B', 'inbound', 'A', 'wrap_up', start, end);
    expect2('C', 'outbound', 'B', 'wrap_up', waitingStart, waitingEnd);
    expect2('B', 'inbound', 'C', 'wrap_up', waitingStart, waitingEnd);
  });

  it(T.blind, async () => {
    const { A, B, C } = agents;
    for (const callee of [B, C]) await beAvailable(callee);
    const start = Date.now();
    await dialFromPad(A, NUMBERS.B);
    await incoming(B).getByRole('button', { name: 'Answer' }).click();
    const cardB = callCard(B, 'Grace Hopper');
    await expect.poll(() => cardB.getByTestId('call-state').textContent()).toBe('Connected');

    await cardB.getByRole('button', { name: 'Transfer' }).click();
    await cardB.getByLabel('Transfer to').fill(NUMBERS.C);
    await cardB.getByRole('button', { name: 'Blind transfer' }).click();
    await expect.poll(() => cardB.count(), { timeout: 20_000 }).toBe(0);
    const transferredAt = Date.now();

    const ringing = incoming(C);
    await expect.poll(() => ringing.getByTestId('screen-pop').textContent()).toContain('Grace Hopper');
    await ringing.getByRole('button', { name: 'Answer' }).click();
    await expect.poll(() => callCard(A, NUMBERS.C).getByTestId('call-state').textContent()).toBe('Connected');
    await expect.poll(() => callCard(C, 'Grace Hopper').getByTestId('call-state').textContent()).toBe('Connected');
    await expect.poll(() => callCard(A, 'Bea Brown').count()).toBe(0);
    const [toA, toC] = await audioFlow([A.page, C.page], 1500);
    expect(toA).toBeGreaterThan(2000);
    expect(toC).toBeGreaterThan(2000);

    await callCard(C, 'Grace Hopper').getByRole('button', { name: 'Hang up' }).click();
    await expect.poll(() => callCard(A, NUMBERS.C).count()).toBe(0);
    const end = Date.now();
    expect2('A', 'outbound', 'B', 'completed', start, transferredAt);
    expect2('B', 'inbound', 'A', 'completed', start, transferredAt);
    expect2('A', 'outbound', 'C', 'wrap_up', start, end);
    expect2('C', 'inbound', 'A', 'wrap_up', transferredAt, end);
  });

  it(T.attended, async () => {
    const { A, B, C } = agents;
    for (const callee of [B, C]) await beAvailable(callee);
    const start = Date.now();
    await dialFromPad(A, NUMBERS.B);
    await incoming(B).getByRole('button', { name: 'Answer' }).click();
    const withA = callCard(B, 'Grace Hopper');
    await expect.poll(() => withA.getByTestId('call-state').textContent()).toBe('Connected');

    await withA.getByRole('button', { name: 'Transfer' }).click();
    await withA.getByLabel('Transfer to').fill(NUMBERS.C);
    await withA.getByRole('button', { name: 'Consult first' }).click();
    await expect.poll(() => withA.getByTestId('call-state').textContent()).toBe('On hold');
    await expect.poll(() => callCard(A, 'Bea Brown').getByTestId('call-state').textContent()).toBe('Held by the other party');

    const consultRing = incoming(C);
    await expect.poll(() => consultRing.getByTestId('screen-pop').textContent()).toContain('Bea Brown');
    const consultStart = Date.now();
    await consultRing.getByRole('button', { name: 'Answer' }).click();
    const consult = callCard(B, NUMBERS.C);
    await expect.poll(() => consult.getByTestId('call-state').textContent()).toBe('Consulting');

    await consult.getByRole('button', { name: 'Complete transfer' }).click();
    // A's phone follows the REFER with an INVITE that replaces B's consult call on C's phone.
    await expect.poll(() => callCard(A, NUMBERS.C).getByTestId('call-state').textContent(), { timeout: 20_000 }).toBe('Connected');
    await expect.poll(() => callCard(C, 'Grace Hopper').getByTestId('call-state').textContent()).toBe('Connected');
    await expect.poll(() => B.page.locator('[data-call-id]').count(), { timeout: 20_000 }).toBe(0);
    await expect.poll(() => callCard(C, 'Bea Brown').count()).toBe(0);
    const transferredAt = Date.now();
    const [toA, toC] = await audioFlow([A.page, C.page], 1500);
    expect(toA).toBeGreaterThan(2000);
    expect(toC).toBeGreaterThan(2000);

    await callCard(A, NUMBERS.C).getByRole('button', { name: 'Hang up' }).click();
    await expect.poll(() => callCard(C, 'Grace Hopper').count()).toBe(0);
    const end = Date.now();
    expect2('A', 'outbound', 'B', 'completed', start, transferredAt);
    expect2('B', 'inbound', 'A', 'completed', start, transferredAt);
    expect2('B', 'outbound', 'C', 'completed', consultStart - 2000, transferredAt);
    expect2('C', 'inbound', 'B', 'completed', consultStart - 2000, transferredAt);
    expect2('A', 'outbound', 'C', 'wrap_up', consultStart, end);
    expect2('C', 'inbound', 'A', 'wrap_up', consultStart, end);
  });

  it(T.decline, async () => {
    const { A, B } = agents;
    await beAvailable(B);
    await api.stop();
    const start = Date.now();
    await dialFromPad(A, NUMBERS.B);
    // The screen pop reads the local patient directory: it works with the API down.
    await expect.poll(() => incoming(B).getByTestId('screen-pop').textContent()).toContain('Grace Hopper');
    await incoming(B).getByRole('button', { name: 'Decline' }).click();
    await expect.poll(() => incoming(B).count()).toBe(0);
    await expect.poll(() => A.page.locator('[data-call-id]').count()).toBe(0);
    const end = Date.now();
    expect2('A', 'outbound', 'B', 'failed', start, end);
    expect2('B', 'inbound', 'A', 'missed', start, end);
    // Logged locally, waiting for the API.
    const pending = await B.page.evaluate(() => (globalThis as any).oncall.invoke('sync.status', {}).then((s: any) => s.pending));
    expect(pending).toBeGreaterThan(0);
  });

  it(T.missed, async () => {
    const { A, B } = agents;
    await beAvailable(B);
    let start = Date.now();
    await dialFromPad(A, NUMBERS.B);
    await incoming(B).waitFor();
    await sleep(1000);
    await callCard(A, 'Bea Brown').getByRole('button', { name: 'Hang up' }).click();
    await expect.poll(() => incoming(B).count()).toBe(0);
    let end = Date.now();
    expect2('A', 'outbound', 'B', 'cancelled', start, end);
    expect2('B', 'inbound', 'A', 'missed', start, end);

    // B rings for 6 s (B's setting), then the call is declined as unanswered.
    start = Date.now();
    await dialFromPad(A, NUMBERS.B);
    await incoming(B).waitFor();
    await expect.poll(() => incoming(B).count(), { timeout: 30_000 }).toBe(0);
    await expect.poll(() => A.page.locator('[data-call-id]').count()).toBe(0);
    end = Date.now();
    expect(end - start).toBeGreaterThan(5000);
    expect2('A', 'outbound', 'B', 'failed', start, end);
    expect2('B', 'inbound', 'A', 'missed', start, end);
  });

  it(T.restart, async () => {
    const all = Object.values(agents);
    await kamailio.kill();
    for (const a of all) await expect.poll(() => a.status.getAttribute('data-state'), { timeout: 20_000 }).toBe('reconnecting');
    await sleep(3000);
    await kamailio.start();
    // Nobody clicks anything: the phones' own reconnect loop brings them back (its worst-case
    // delay is a pure rule tested in phone-rules.test.ts; the time it takes here is the machine's).
    await Promise.all(all.map((a) => expect.poll(() => a.status.getAttribute('data-state'), { timeout: 90_000, interval: 100 }).toBe('registered')));

    // The new registrations route calls: A reaches B again.
    await beAvailable(agents.B);
    const start = Date.now();
    await dialFromPad(agents.A, NUMBERS.B);
    await incoming(agents.B).getByRole('button', { name: 'Decline' }).click();
    await expect.poll(() => agents.A.page.locator('[data-call-id]').count()).toBe(0);
    expect2('A', 'outbound', 'B', 'failed', start, Date.now());
    expect2('B', 'inbound', 'A', 'missed', start, Date.now());
  });

  it(T.server, async () => {
    await api.restart();
    for (const a of Object.values(agents)) {
      await waitFor(
        () => a.page.evaluate(() => (globalThis as any).oncall.invoke('sync.now', {}).then((s: any) => s.pending === 0 && s.online)),
        90_000,
        `${a.name}'s desktop to push its calls`,
      );
      const refused = await a.page.evaluate(() => (globalThis as any).oncall.invoke('sync.attention', {}));
      expect(refused, `changes the API refused from ${a.name}`).toEqual([]);
    }
    const http = new Http(api.url);
    const res = await http.get(`/api/v1/organizations/${api.orgs.demo}/calls?limit=200`, supervisor);
    expect(res.status).toBe(200);
    const ids: Record<Who, string> = { A: '', B: '', C: '' };
    for (const [who, email] of [['A', 'agent1@demo.test'], ['B', 'agent2@demo.test'], ['C', 'supervisor@demo.test']] as const) {
      ids[who] = (await http.login(email)).user.id;
    }
    const phoneCalls = (res.body.items as any[]).filter((c) => typeof c.metadata?.sip_call_id === 'string');
    expect(phoneCalls.length, JSON.stringify(phoneCalls.map((c) => [c.agent_name, c.direction, c.phone_number, c.status]))).toBe(expected.length);
    const unmatched = [...phoneCalls].sort((a, b) => a.started_at.localeCompare(b.started_at));
    for (const e of expected) {
      const i = unmatched.findIndex((c) => c.agent_id === ids[e.who] && c.direction === e.direction && c.phone_number === e.number && c.status === e.status);
      expect(i, `a ${e.status} ${e.direction} call for ${e.who} with ${e.number}`).toBeGreaterThanOrEqual(0);
      const call = unmatched.splice(i, 1)[0];
      const started = Date.parse(call.started_at);
      const ended = Date.parse(call.ended_at);
      expect(started).toBeGreaterThanOrEqual(e.from - 1000);
      expect(ended).toBeLessThanOrEqual(e.to + 1000);
      // The duration is the call's own: started and ended lie inside the window the test saw.
      expect(call.duration_seconds).toBe(Math.round((ended - started) / 1000));
      if (e.patient) expect(call.patient_name).toBe(e.patient);
    }
  });
});
