/**
 * The softphone against plain-SIP endpoints behind a WebRTC gateway, as in a real call center:
 * Kamailio (SIP over WebSocket for the agent, UDP for the rest) with rtpengine bridging the
 * browser's DTLS-SRTP/ICE/Opus to plain RTP/G.711, Debian's baresip as a desk phone (driven over
 * ctrl_tcp) and SIPp scenarios (test/phone/sipp/) as a carrier trunk. One agent desktop (real API,
 * Node host, built renderer in Chromium), all inside a loopback-only network namespace, every
 * process started here and stopped by pid.
 *
 * Audio is measured on both sides: the agent's side with WebRTC getStats, the plain side with
 * rtpengine's NG `query` (packets each party sent into the gateway). A SIPp scenario passing is
 * itself an assertion: every response it waits for (200 OK to its BYE, 487 after CANCEL) came.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest';
import { startBaresip, type Baresip } from '../support/baresip';
import { audioFlow, beAvailable as beAvailableAgent, callCard, dialFromPad, incoming, openAgent, setUpPhone, type Agent } from './agents';
import { DOMAIN, TRUNK_CALLER, expectPassed, latestRecord as latestRecordOf, recordWhen as recordWhenOf, startGatewayRig, type GatewayRig } from './gateway-rig';
import { loopbackSuite } from './netns-suite';

const T = {
  register: 'the agent registers over WebSocket, the desk phone over UDP, through one gateway',
  inbound: 'a trunk call (G.711, offer in the INVITE): answered, audio both ways, the trunk hangs up and gets 200 OK to its BYE',
  desk: 'agent calls a desk phone: audio both ways through rtpengine, hold from either side, RFC 4733 DTMF, hang-up from either side',
  refused: 'busy, decline and no answer from the trunk: the call is logged failed with metadata.sip_code',
  early: 'early media: the trunk\'s 183 with SDP is heard before the answer; a 180 without SDP gets local ringback',
  withheld: 'a withheld number (anonymous) cancelled while ringing: CANCEL answered 200 + 487, logged missed as anonymous',
  lateOffer: 'an INVITE without SDP (late offer): the agent offers in the 200 OK, audio both ways',
  agentHangsUp: 'the agent hangs up a trunk call: the trunk gets the BYE and the record is wrap_up',
  wsCut: "the agent's WebSocket is cut mid-call and restored: re-registered, an ICE-restart re-INVITE, audio back, the desk phone's hold and BYE reach the agent",
  mediaDrop: 'the media path drops for seconds (UDP blocked): the card says so, an ICE restart brings the audio back',
  quality: 'live quality: 25% packet loss shows in the call card (loss, MOS, warning), clears after, and the summary is stored with the call',
} as const;

const AGENT = { number: '+442079460101', password: 'sip-secret-a' };
const DESK = { number: '+442079460201', password: 'sip-secret-desk' };

/** `ip` inside the test's own namespace (the suite runs in one; never the machine's). */
const iptables = (args: string[]) => promisify(execFile)('iptables', args);

loopbackSuite(import.meta.filename, 'softphone interop through a WebRTC gateway', Object.values(T), 1_200_000, () => {
  let rig: GatewayRig;
  let agent: Agent;
  let desk: Baresip;

  beforeAll(async () => {
    rig = await startGatewayRig({ [AGENT.number]: AGENT.password, [DESK.number]: DESK.password });
  });

  afterAll(async () => {
    rig?.stopTrunkCalls();
    await agent?.close();
    await desk?.stop();
    await rig?.stop();
  });

  beforeEach(({ onTestFailed }) => {
    onTestFailed(async () => {
      rig.stopTrunkCalls();
      process.stderr.write(`--- kamailio (last 15) ---\n${rig.kamailio.logs.slice(-15).join("\n")}\n`);
      if (!agent) return;
      for (const button of await agent.page.getByRole('button', { name: /^(Hang up|Decline)$/ }).all()) await button.click({ timeout: 1000 }).catch(() => undefined);
      await desk?.command('hangup').catch(() => undefined);
    });
  });

  const sipp: GatewayRig['sipp'] = (...args) => rig.sipp(...args);
  const gatewayFlow: GatewayRig['gatewayFlow'] = (...args) => rig.gatewayFlow(...args);
  const latestRecord = (phone: string) => latestRecordOf(agent, phone);
  const recordWhen = (phone: string, check: (r: any) => boolean, what: string) => recordWhenOf(agent, phone, check, what);
  const beAvailable = () => beAvailableAgent(agent);

  const ringer = () =>
    agent.page.evaluate(() => {
      const el = (globalThis as any).document.querySelector('audio[data-phone-ringer]');
      return el?.srcObject ? String(el.dataset.kind) : null;
    });

  it(T.register, async () => {
    agent = await openAgent(rig.browser, { name: 'Alex', email: 'agent1@demo.test', number: AGENT.number, apiUrl: rig.api.url, rendererDir: rig.rendererDir, sipWsUrl: rig.link.url });
    await setUpPhone(agent, { wsUrl: rig.link.url, domain: DOMAIN, password: AGENT.password });
    expect(await agent.status.textContent()).toContain('Phone: ready');
    desk = await startBaresip({ user: DESK.number, password: DESK.password, domain: DOMAIN, proxyPort: rig.kamailio.udpPort, displayName: 'Front desk' });
  });

  it(T.inbound, async () => {
    await beAvailable();
    const trunk = await sipp('uac-caller-hangs-up.xml', 8000, {}, AGENT.number);
    const ringing = incoming(agent);
    await expect.poll(() => ringing.getByTestId('screen-pop').textContent(), { timeout: 60_000 }).toContain(TRUNK_CALLER);
    await ringing.getByRole('button', { name: 'Answer' }).click();
    const card = callCard(agent, 'Carrier');
    await expect.poll(() => card.getByTestId('call-state').textContent(), { timeout: 60_000 }).toBe('Connected');
    const record = await latestRecord(TRUNK_CALLER);
    const [[toAgent], legs] = await Promise.all([audioFlow([agent.page], 1500), gatewayFlow(record.metadata.sip_call_id, 1500)]);
    expect(toAgent, 'audio bytes the agent received').toBeGreaterThan(2000);
    expect(legs.length, 'rtpengine bridged two parties').toBe(2);
    for (const packets of legs) expect(packets, 'packets each party sent in 1.5 s').toBeGreaterThan(20);

    // The trunk hangs up: the agent's phone must answer its BYE (else SIPp retransmits and fails).
    await expect.poll(() => card.count(), { timeout: 15_000 }).toBe(0);
    expectPassed(await trunk.result());
    await recordWhen(TRUNK_CALLER, (r) => r.status === 'wrap_up' && r.metadata.end_reason === 'hangup_remote', 'the call in wrap_up, ended by the caller');
  });

  it(T.desk, async () => {
    const since = desk.events.length;
    await dialFromPad(agent, DESK.number);
    await desk.waitForEvent('CALL_INCOMING', 10_000, since);
    await desk.command('accept');
    const card = callCard(agent, DESK.number);
    await expect.poll(() => card.getByTestId('call-state').textContent(), { timeout: 60_000 }).toBe('Connected');
    const record = await latestRecord(DESK.number);
    const callId = record.metadata.sip_call_id as string;
    const [[toAgent], legs] = await Promise.all([audioFlow([agent.page], 1500), gatewayFlow(callId, 1500)]);
    expect(toAgent).toBeGreaterThan(2000);
    expect(legs.length).toBe(2);
    for (const packets of legs) expect(packets).toBeGreaterThan(20);

    // The agent holds: the desk phone stops sending (it was told sendonly), and so do we.
    await card.getByRole('button', { name: 'Hold' }).click();
    await expect.poll(() => card.getByTestId('call-state').textContent(), { timeout: 60_000 }).toBe('On hold');
    await new Promise((r) => setTimeout(r, 500));
    const held = await gatewayFlow(callId, 1500);
    expect(Math.max(...held), 'packets while held').toBeLessThan(10);
    await card.getByRole('button', { name: 'Resume' }).click();
    await expect.poll(() => card.getByTestId('call-state').textContent(), { timeout: 60_000 }).toBe('Connected');
    await expect.poll(async () => Math.min(...(await gatewayFlow(callId, 1000))), { timeout: 60_000 }).toBeGreaterThan(20);

    // The desk phone holds and resumes.
    await desk.command('hold');
    await expect.poll(() => card.getByTestId('call-state').textContent(), { timeout: 60_000 }).toBe('Held by the other party');
    await desk.command('resume');
    await expect.poll(() => card.getByTestId('call-state').textContent(), { timeout: 60_000 }).toBe('Connected');

    // RFC 4733 tones from the agent's keypad arrive at the desk phone as DTMF.
    const dtmfSince = desk.events.length;
    await card.getByRole('button', { name: 'Keypad' }).click();
    for (const key of ['4', '2', '#']) await card.getByRole('button', { name: `Send tone ${key}` }).click();
    await expect
      .poll(() => desk.events.slice(dtmfSince).filter((e) => e.type === 'CALL_DTMF_START').map((e) => e.param).join(''), { timeout: 60_000 })
      .toBe('42#');

    // The desk phone hangs up.
    const closedSince = desk.events.length;
    await desk.command('hangup');
    await desk.waitForEvent('CALL_CLOSED', 10_000, closedSince);
    await expect.poll(() => card.count(), { timeout: 60_000 }).toBe(0);
    await recordWhen(DESK.number, (r) => r.status === 'wrap_up' && r.metadata.end_reason === 'hangup_remote', 'wrap_up after the desk hung up');

    // A second call, which the agent hangs up.
    const since2 = desk.events.length;
    await dialFromPad(agent, DESK.number);
    await desk.waitForEvent('CALL_INCOMING', 10_000, since2);
    await desk.command('accept');
    await expect.poll(() => card.getByTestId('call-state').textContent(), { timeout: 60_000 }).toBe('Connected');
    await card.getByRole('button', { name: 'Hang up' }).click();
    await desk.waitForEvent('CALL_CLOSED', 10_000, since2);
    await recordWhen(DESK.number, (r) => r.status === 'wrap_up' && r.metadata.end_reason === 'hangup_local', 'wrap_up after the agent hung up');
  });

  it(T.refused, async () => {
    for (const [code, scenario, number] of [
      [486, 'uas-busy.xml', '+15550100486'],
      [603, 'uas-decline.xml', '+15550100603'],
      [480, 'uas-no-answer.xml', '+15550100480'],
    ] as const) {
      const trunk = await sipp(scenario, 1000, {});
      await dialFromPad(agent, number);
      await expect.poll(() => callCard(agent, number).count(), { timeout: 15_000 }).toBe(0);
      expectPassed(await trunk.result());
      await recordWhen(number, (r) => r.status === 'failed' && r.metadata.sip_code === code, `a failed call with sip_code ${code}`);
    }
  });

  it(T.early, async () => {
    // 183 with SDP: the carrier's tone plays while the call is still ringing, no local ringback.
    let trunk = await sipp('uas-early-media.xml', 5000, {});
    const number = '+15550100183';
    await dialFromPad(agent, number);
    const card = callCard(agent, number);
    await expect.poll(() => card.getAttribute('data-early-media'), { timeout: 60_000 }).toBe('true');
    expect(await card.getByTestId('call-state').textContent()).toBe('Ringing…');
    const [early] = await audioFlow([agent.page], 1500);
    expect(early, 'early-media bytes heard before the answer').toBeGreaterThan(2000);
    expect(await card.getByTestId('call-state').textContent()).toBe('Ringing…');
    expect(await ringer(), 'no local ringback over early media').toBeNull();
    await expect.poll(() => card.getByTestId('call-state').textContent(), { timeout: 60_000 }).toBe('Connected');
    const [after] = await audioFlow([agent.page], 1000);
    expect(after).toBeGreaterThan(1000);
    await card.getByRole('button', { name: 'Hang up' }).click();
    expectPassed(await trunk.result());
    await recordWhen(number, (r) => r.status === 'wrap_up', 'the early-media call in wrap_up');

    // 180 without SDP: the phone plays ringback itself until the answer.
    trunk = await sipp('uas-ring-answer.xml', 4000, {});
    const number2 = '+15550100180';
    await dialFromPad(agent, number2);
    const card2 = callCard(agent, number2);
    await expect.poll(ringer, { timeout: 60_000 }).toBe('ringback');
    expect(await card2.getByTestId('call-state').textContent()).toBe('Ringing…');
    await expect.poll(() => card2.getByTestId('call-state').textContent(), { timeout: 60_000 }).toBe('Connected');
    expect(await ringer(), 'ringback stops at the answer').toBeNull();
    await card2.getByRole('button', { name: 'Hang up' }).click();
    expectPassed(await trunk.result());
  });

  it(T.withheld, async () => {
    await beAvailable();
    const trunk = await sipp('uac-cancel.xml', 2500, { caller: 'anonymous', caller_name: 'Anonymous' }, AGENT.number);
    const ringing = incoming(agent);
    await expect.poll(() => ringing.getByTestId('screen-pop').textContent(), { timeout: 60_000 }).toContain('Withheld number');
    await expect.poll(() => ringing.count(), { timeout: 15_000 }).toBe(0);
    expectPassed(await trunk.result());
    const record = await recordWhen('anonymous', (r) => r.status === 'missed', 'a missed call from a withheld number');
    expect(record.metadata).toMatchObject({ withheld: true, end_reason: 'caller_cancelled' });
  });

  it(T.lateOffer, async () => {
    const caller = '+15550100002';
    await beAvailable();
    const trunk = await sipp('uac-late-offer.xml', 6000, { caller }, AGENT.number);
    const ringing = incoming(agent);
    await expect.poll(() => ringing.getByTestId('screen-pop').textContent(), { timeout: 60_000 }).toContain(caller);
    await ringing.getByRole('button', { name: 'Answer' }).click();
    const card = callCard(agent, 'Carrier');
    await expect.poll(() => card.getByTestId('call-state').textContent(), { timeout: 60_000 }).toBe('Connected');
    const record = await latestRecord(caller);
    const [[toAgent], legs] = await Promise.all([audioFlow([agent.page], 1500), gatewayFlow(record.metadata.sip_call_id, 1500)]);
    expect(toAgent).toBeGreaterThan(2000);
    for (const packets of legs) expect(packets).toBeGreaterThan(20);
    await expect.poll(() => card.count(), { timeout: 15_000 }).toBe(0);
    expectPassed(await trunk.result());
  });

  it(T.agentHangsUp, async () => {
    const caller = '+15550100003';
    await beAvailable();
    const trunk = await sipp('uac-agent-hangs-up.xml', 0, { caller }, AGENT.number);
    await incoming(agent).getByRole('button', { name: 'Answer' }).click();
    const card = callCard(agent, 'Carrier');
    await expect.poll(() => card.getByTestId('call-state').textContent(), { timeout: 60_000 }).toBe('Connected');
    await card.getByRole('button', { name: 'Hang up' }).click();
    expectPassed(await trunk.result());
    await recordWhen(caller, (r) => r.status === 'wrap_up' && r.metadata.end_reason === 'hangup_local', 'wrap_up after the agent hung up');
  });

  /** Calls the desk phone from the agent's dialpad and waits until both say connected; returns the SIP Call-ID. */
  async function callDesk(): Promise<string> {
    const since = desk.events.length;
    await dialFromPad(agent, DESK.number);
    await desk.waitForEvent('CALL_INCOMING', 10_000, since);
    await desk.command('accept');
    await expect.poll(() => callCard(agent, DESK.number).getByTestId('call-state').textContent(), { timeout: 60_000 }).toBe('Connected');
    return (await latestRecord(DESK.number)).metadata.sip_call_id as string;
  }

  async function expectAudioBothWays(callId: string): Promise<void> {
    await expect
      .poll(async () => {
        const [[toAgent], legs] = await Promise.all([audioFlow([agent.page], 1000), gatewayFlow(callId, 1000)]);
        return toAgent > 1500 && legs.length === 2 && legs.every((p) => p > 15);
      }, { timeout: 20_000, interval: 200 })
      .toBe(true);
  }

  const restarts = (card: ReturnType<typeof callCard>) => card.getAttribute('data-ice-restarts').then(Number);

  it(T.wsCut, async () => {
    const callId = await callDesk();
    const card = callCard(agent, DESK.number);
    await expectAudioBothWays(callId);

    await rig.link.cut();
    await expect.poll(() => agent.status.getAttribute('data-state'), { timeout: 60_000 }).toBe('reconnecting');
    await new Promise((r) => setTimeout(r, 1500));
    await rig.link.restore();
    await expect.poll(() => agent.status.getAttribute('data-state'), { timeout: 15_000 }).toBe('registered');
    await expect.poll(() => restarts(card), { timeout: 60_000 }).toBeGreaterThanOrEqual(1);
    await expectAudioBothWays(callId);

    // The desk phone's re-INVITEs and BYE now find the agent on its new connection.
    await desk.command('hold');
    await expect.poll(() => card.getByTestId('call-state').textContent(), { timeout: 60_000 }).toBe('Held by the other party');
    await desk.command('resume');
    await expect.poll(() => card.getByTestId('call-state').textContent(), { timeout: 60_000 }).toBe('Connected');
    // ...and the agent's hold reaches the desk phone, which stops sending.
    await card.getByRole('button', { name: 'Hold' }).click();
    await expect.poll(() => card.getByTestId('call-state').textContent(), { timeout: 60_000 }).toBe('On hold');
    await expect.poll(async () => Math.max(...(await gatewayFlow(callId, 1000))), { timeout: 60_000 }).toBeLessThan(10);
    await card.getByRole('button', { name: 'Resume' }).click();
    await expectAudioBothWays(callId);
    const closed = desk.events.length;
    await desk.command('hangup');
    await desk.waitForEvent('CALL_CLOSED', 10_000, closed);
    await expect.poll(() => card.count(), { timeout: 60_000 }).toBe(0);
    await recordWhen(DESK.number, (r) => r.status === 'wrap_up' && r.metadata.end_reason === 'hangup_remote', 'wrap_up after the desk hung up');
  });

  it(T.mediaDrop, async () => {
    const callId = await callDesk();
    const card = callCard(agent, DESK.number);
    await expectAudioBothWays(callId);
    const before = await restarts(card);
    // Every media packet through the gateway dropped (signalling, on TCP and on rtpengine's control
    // port, stays up): ICE loses its pair, the card says so, and the phone sends an ICE-restart re-INVITE.
    const block = ['OUTPUT', '-p', 'udp', '--dport', rig.rtpengine.mediaPorts, '-j', 'DROP'];
    await iptables(['-I', ...block]);
    try {
      await expect.poll(() => card.getByTestId('call-state').textContent(), { timeout: 20_000 }).toBe('Reconnecting audio…');
      await expect.poll(() => restarts(card), { timeout: 15_000 }).toBeGreaterThan(before);
    } finally {
      await iptables(['-D', ...block]);
    }
    await expect.poll(() => card.getByTestId('call-state').textContent(), { timeout: 20_000 }).toBe('Connected');
    await expectAudioBothWays(callId);
    await card.getByRole('button', { name: 'Hang up' }).click();
    await expect.poll(() => card.count(), { timeout: 60_000 }).toBe(0);
    await recordWhen(DESK.number, (r) => r.status === 'wrap_up' && r.metadata.end_reason === 'hangup_local', 'the recovered call ends normally');
  });

  it(T.quality, async () => {
    const callId = await callDesk();
    const card = callCard(agent, DESK.number);
    await expectAudioBothWays(callId);
    const quality = card.getByTestId('call-quality');
    await expect.poll(async () => Number(await quality.getAttribute('data-mos')), { timeout: 15_000 }).toBeGreaterThan(4);
    expect(Number(await quality.getAttribute('data-loss'))).toBeLessThan(1);

    // A quarter of the media packets lost (tc netem is not in this kernel; iptables' statistic
    // match drops at random): the card's loss follows, MOS falls, the warning shows.
    const lossy = ['OUTPUT', '-p', 'udp', '--sport', rig.rtpengine.mediaPorts, '-m', 'statistic', '--mode', 'random', '--probability', '0.25', '-j', 'DROP'];
    await iptables(['-I', ...lossy]);
    try {
      await expect.poll(async () => Number(await quality.getAttribute('data-loss')), { timeout: 15_000 }).toBeGreaterThan(10);
      await expect.poll(async () => Number(await quality.getAttribute('data-mos')), { timeout: 15_000 }).toBeLessThan(3.6);
      await card.getByRole('alert').filter({ hasText: 'Poor call quality' }).waitFor({ timeout: 120_000 });
    } finally {
      await iptables(['-D', ...lossy]);
    }
    // The network recovers: so do the figures, and the warning goes.
    await expect.poll(async () => Number(await quality.getAttribute('data-loss')), { timeout: 15_000 }).toBeLessThan(1);
    await expect.poll(() => quality.getAttribute('data-warning'), { timeout: 15_000 }).toBe('false');
    await card.getByRole('button', { name: 'Hang up' }).click();
    const record = await recordWhen(DESK.number, (r) => r.status === 'wrap_up' && r.metadata.quality !== undefined, 'the quality summary on the record');
    expect(record.metadata.quality).toMatchObject({ warned: true, codec: expect.any(String) });
    expect(record.metadata.quality.mos_min).toBeLessThan(3.6);
    expect(record.metadata.quality.loss_percent).toBeGreaterThan(1);
    expect(record.metadata.quality.samples).toBeGreaterThan(3);
  });
});
