/**
 * More of what a call center's gateway and plain phones do to the softphone, on the interop rig
 * (test/phone/gateway-rig.ts: Kamailio + rtpengine, baresip desk phones, SIPp as the trunk, one
 * agent desktop, all in a loopback-only namespace): codecs other than the trunk's PCMU, SIP INFO
 * DTMF both ways, session timers as a refreshing gateway uses them, a blind transfer a desk phone
 * follows, a trunk moving its media to another address mid-call, and a network interface coming up
 * mid-call (the agent's media moves to it).
 * The basics (calls both ways, hold, RFC 4733, early media, recovery, quality) are in interop.test.ts.
 */
import { execFile } from 'node:child_process';
import { createSocket, type Socket } from 'node:dgram';
import { promisify } from 'node:util';
import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest';
import { startBaresip, type Baresip } from '../support/baresip';
import { freePort } from '../../scripts/lib/free-port';
import { muLaw } from '../support/sipp';
import { audioFlow, beAvailable, callCard, dialFromPad, incoming, openAgent, setUpPhone, type Agent } from './agents';
import { DOMAIN, expectPassed, latestRecord, recordWhen, startGatewayRig, type GatewayRig } from './gateway-rig';
import { loopbackSuite } from './netns-suite';

const T = {
  codecs: 'codecs: a desk phone that speaks only Opus, and one that speaks only PCMA, get audio both ways in that codec',
  infoDtmf: 'SIP INFO DTMF both ways: the agent\'s keypad (set to SIP INFO) reaches a desk phone; the trunk\'s INFO tones show on the card',
  timers: 'session timers (RFC 4028, the trunk refreshing): re-INVITE with and without SDP answered, UPDATE refused 405 with Allow, an in-dialog OPTIONS keepalive answered, audio goes on',
  blind: 'blind transfer to a plain phone: the desk phone follows the REFER to another desk phone; the agent\'s leg is completed',
  mediaMoves: 'the trunk moves its media to another address mid-call (re-INVITE, new c= line): the agent answers it, audio follows to the new address and back',
  online: "a network interface comes up mid-call (Chromium fires online): ICE-restart re-INVITEs move the agent's media to the new address, audio both ways, the hang-up reaches the desk phone",
} as const;

const AGENT = { number: '+442079460101', password: 'sip-secret-a' };
const DESK = { number: '+442079460201', password: 'sip-secret-desk' };
const DESK_OPUS = { number: '+442079460202', password: 'sip-secret-opus' };
const DESK_PCMA = { number: '+442079460203', password: 'sip-secret-pcma' };

/** `ip` inside the test's own namespace (the suite runs in one; never the machine's). */
const ip = (args: string[]) => promisify(execFile)('ip', args);

loopbackSuite(import.meta.filename, 'softphone interop: codecs, SIP INFO, session timers, transfers, moving media', Object.values(T), 1_200_000, () => {
  let rig: GatewayRig;
  let agent: Agent;
  const desks: Record<string, Baresip> = {};

  beforeAll(async () => {
    rig = await startGatewayRig(Object.fromEntries([AGENT, DESK, DESK_OPUS, DESK_PCMA].map((u) => [u.number, u.password])));
    agent = await openAgent(rig.browser, { name: 'Alex', email: 'agent1@demo.test', number: AGENT.number, apiUrl: rig.api.url, rendererDir: rig.rendererDir, sipWsUrl: rig.link.url });
    await setUpPhone(agent, { wsUrl: rig.link.url, domain: DOMAIN, password: AGENT.password });
    const start = (u: { number: string; password: string }, displayName: string, codecs?: string[]) =>
      startBaresip({ user: u.number, password: u.password, domain: DOMAIN, proxyPort: rig.kamailio.udpPort, displayName, codecs });
    desks.pcmu = await start(DESK, 'Front desk');
    desks.opus = await start(DESK_OPUS, 'Opus desk', ['opus/48000/2']);
    desks.pcma = await start(DESK_PCMA, 'Supervisor desk', ['PCMA']);
  });

  afterAll(async () => {
    rig?.stopTrunkCalls();
    await agent?.close();
    for (const desk of Object.values(desks)) await desk.stop();
    await rig?.stop();
  });

  beforeEach(({ onTestFailed }) => {
    onTestFailed(async () => {
      rig.stopTrunkCalls();
      process.stderr.write(`--- kamailio (last 15) ---\n${rig.kamailio.logs.slice(-15).join('\n')}\n`);
      for (const button of await agent.page.getByRole('button', { name: /^(Hang up|Decline)$/ }).all()) await button.click({ timeout: 1000 }).catch(() => undefined);
      for (const desk of Object.values(desks)) await desk.command('hangup').catch(() => undefined);
    });
  });

  /** Calls a desk phone from the dialpad, lets it answer, waits for Connected; returns the SIP Call-ID. */
  async function callDesk(desk: Baresip): Promise<string> {
    const since = desk.events.length;
    await dialFromPad(agent, desk.user);
    await desk.waitForEvent('CALL_INCOMING', 15_000, since);
    await desk.command('accept');
    await expect.poll(() => callCard(agent, desk.user).getByTestId('call-state').textContent()).toBe('Connected');
    return (await latestRecord(agent, desk.user)).metadata.sip_call_id as string;
  }

  /** Audio both ways: the agent's getStats, and every party's packets into rtpengine. */
  async function expectAudioBothWays(callId: string): Promise<void> {
    await expect
      .poll(
        async () => {
          const [[toAgent], legs] = await Promise.all([audioFlow([agent.page], 1000), rig.gatewayFlow(callId, 1000)]);
          return toAgent > 1500 && legs.length === 2 && legs.every((p) => p > 15);
        },
        { timeout: 20_000, interval: 200 },
      )
      .toBe(true);
  }

  /** The local address of the agent's selected ICE pair on its live calls. */
  function agentMediaAddress(): Promise<string[]> {
    return agent.page.evaluate(async () => {
      const found: string[] = [];
      for (const pc of (globalThis as any).__testPeerConnections as any[]) {
        if (pc.connectionState === 'closed') continue;
        const stats = new Map<string, any>();
        (await pc.getStats()).forEach((r: any) => stats.set(r.id, r));
        for (const r of stats.values()) {
          if (r.type !== 'transport' || !r.selectedCandidatePairId) continue;
          const local = stats.get(stats.get(r.selectedCandidatePairId)?.localCandidateId);
          if (local) found.push(String(local.address ?? local.ip));
        }
      }
      return found;
    });
  }

  async function hangUp(number: string): Promise<void> {
    const card = callCard(agent, number);
    await card.getByRole('button', { name: 'Hang up' }).click();
    await expect.poll(() => card.count()).toBe(0);
  }

  it(T.codecs, async () => {
    for (const [desk, codec] of [
      [desks.opus!, 'opus'],
      [desks.pcma!, 'pcma'],
    ] as const) {
      const callId = await callDesk(desk);
      await expectAudioBothWays(callId);
      // The quality line appears once the call has been measured (every 2 s): then the summary has a codec.
      await callCard(agent, desk.user).getByTestId('call-quality').waitFor({ timeout: 120_000 });
      await hangUp(desk.user);
      // The codec the browser really used, as supervisors see it in the call's quality summary.
      const record = await recordWhen(agent, desk.user, (r) => r.metadata.quality !== undefined, `the quality summary of the ${codec} call`);
      expect(record.metadata.quality.codec).toBe(codec);
    }
  });

  it(T.infoDtmf, async () => {
    // The agent switches to SIP INFO in the phone settings, as an agent on such a PBX would.
    await agent.status.click();
    await agent.page.getByRole('tab', { name: 'Settings' }).click();
    await agent.page.getByLabel('DTMF tones').selectOption('info');
    await agent.page.getByRole('button', { name: 'Save phone settings' }).click();
    await agent.page.getByRole('status').filter({ hasText: 'Saved' }).waitFor();
    await agent.page.getByRole('tab', { name: 'Dialpad' }).click();

    const desk = desks.pcmu!;
    await callDesk(desk);
    const card = callCard(agent, desk.user);
    const since = desk.events.length;
    await card.getByRole('button', { name: 'Keypad' }).click();
    for (const key of ['7', '0', '*']) await card.getByRole('button', { name: `Send tone ${key}` }).click();
    // baresip reports the INFO (application/dtmf-relay) tones it received, in order.
    await expect
      .poll(() => desk.events.slice(since).filter((e) => e.type === 'CALL_DTMF_START').map((e) => e.param).join(''))
      .toBe('70*');
    await hangUp(desk.user);

    // The other way: a trunk sends INFO tones (baresip 1.0 sends DTMF only in RTP, which a browser cannot receive).
    await beAvailable(agent);
    const caller = '+15550100004';
    const trunk = await rig.sipp('uac-info-dtmf.xml', 4000, { caller }, AGENT.number);
    await incoming(agent).getByRole('button', { name: 'Answer' }).click();
    const trunkCard = callCard(agent, 'Carrier');
    await expect.poll(() => trunkCard.getByTestId('dtmf-received').textContent()).toBe('Received: 5*');
    await expect.poll(() => trunkCard.count()).toBe(0);
    expectPassed(await trunk.result());
  });

  it(T.timers, async () => {
    const caller = '+15550100005';
    await beAvailable(agent);
    const trunk = await rig.sipp('uac-session-timers.xml', 4000, { caller }, AGENT.number);
    await incoming(agent).getByRole('button', { name: 'Answer' }).click();
    const card = callCard(agent, 'Carrier');
    await expect.poll(() => card.getByTestId('call-state').textContent()).toBe('Connected');
    const callId = (await latestRecord(agent, caller)).metadata.sip_call_id as string;
    // Sample the audio each second until the trunk hangs up: the last full second, after every
    // refresh and the refused UPDATE, must still carry audio both ways.
    let last: { toAgent: number; legs: number[] } | null = null;
    for (let i = 0; i < 40; i++) {
      const [[toAgent], legs] = await Promise.all([audioFlow([agent.page], 1000), rig.gatewayFlow(callId, 1000)]);
      if ((await card.count()) === 0) break;
      last = { toAgent: toAgent!, legs };
    }
    expectPassed(await trunk.result());
    expect(last, 'audio samples while the call was up').not.toBeNull();
    expect(last!.toAgent, 'audio bytes to the agent in the last second').toBeGreaterThan(1000);
    for (const packets of last!.legs) expect(packets, 'packets each party sent in the last second').toBeGreaterThan(15);
    const record = await recordWhen(agent, caller, (r) => r.status === 'wrap_up', 'the refreshed call in wrap_up');
    expect(record.metadata.end_reason).toBe('hangup_remote');
  });

  it(T.blind, async () => {
    const [from, to] = [desks.pcmu!, desks.pcma!];
    await callDesk(from);
    const card = callCard(agent, from.user);
    const ringsAt = to.events.length;
    await card.getByRole('button', { name: 'Transfer' }).click();
    await card.getByLabel('Transfer to').fill(to.user);
    await card.getByRole('button', { name: 'Blind transfer' }).click();
    await expect.poll(() => card.count()).toBe(0);
    // The desk phone followed the REFER: the supervisor's desk rings with the front desk calling.
    const ring = await to.waitForEvent('CALL_INCOMING', 15_000, ringsAt);
    expect(String(ring.peeruri)).toContain(from.user);
    await to.command('accept');
    await to.waitForEvent('CALL_ESTABLISHED', 15_000, ringsAt);
    const record = await recordWhen(agent, from.user, (r) => r.status === 'completed', 'the transferred leg completed');
    expect(record.metadata).toMatchObject({ transfer: 'blind', end_reason: expect.any(String) });
    expect(String(record.metadata.transferred_to)).toContain(to.user);
    const closedAt = to.events.length;
    await to.command('hangup');
    await to.waitForEvent('CALL_CLOSED', 10_000, closedAt);
  });

  it(T.mediaMoves, async () => {
    const caller = '+15550100006';
    const movedPort = await freePort();
    // The trunk's new media address: another loopback address, a port of the test's own.
    const moved: Socket = createSocket('udp4');
    await new Promise<void>((resolve) => moved.bind(movedPort, '127.0.0.2', resolve));
    const heard: { address: string; port: number }[] = [];
    moved.on('message', (_msg, rinfo) => heard.push({ address: rinfo.address, port: rinfo.port }));
    try {
      await beAvailable(agent);
      const trunk = await rig.sipp('uac-media-moves.xml', 6000, { caller, moved_ip: '127.0.0.2', moved_port: String(movedPort) }, AGENT.number);
      await incoming(agent).getByRole('button', { name: 'Answer' }).click();
      const card = callCard(agent, 'Carrier');
      await expect.poll(() => card.getByTestId('call-state').textContent()).toBe('Connected');

      // After the re-INVITE the agent's audio goes to the new address...
      await expect.poll(() => heard.length).toBeGreaterThan(25);
      const gateway = heard[0]!;
      // ...and what the trunk sends from there reaches the agent (SIPp's own stream is paused).
      const stopSending = sendRtp(moved, gateway);
      try {
        // (a new sender is a new SSRC: the browser's stats switch to it, so measure after the switch)
        await new Promise((r) => setTimeout(r, 1000));
        const [toAgent] = await audioFlow([agent.page], 1500);
        expect(toAgent, 'audio bytes to the agent from the new address').toBeGreaterThan(2000);
      } finally {
        stopSending();
      }
      await expect.poll(() => card.count()).toBe(0);
      expectPassed(await trunk.result());
      await recordWhen(agent, caller, (r) => r.status === 'wrap_up', 'the call in wrap_up');
    } finally {
      moved.close();
    }
  });

  it(T.online, async () => {
    const desk = desks.pcmu!;
    const callId = await callDesk(desk);
    const card = callCard(agent, desk.user);
    await expectAudioBothWays(callId);
    const before = Number(await card.getAttribute('data-ice-restarts'));
    const onLine = () => agent.page.evaluate(() => (globalThis as any).navigator.onLine as boolean);
    // With only loopback up, Chromium counts itself offline. A network interface coming up (a veth
    // pair in the test's namespace, as a VPN's or a new Wi-Fi's would) makes it fire 'online'.
    expect(await onLine(), 'offline with only loopback').toBe(false);
    await ip(['link', 'add', 'oncall-a', 'type', 'veth', 'peer', 'name', 'oncall-b']);
    try {
      await ip(['addr', 'add', '10.99.0.1/24', 'dev', 'oncall-a']);
      await ip(['addr', 'add', '10.99.0.2/24', 'dev', 'oncall-b']);
      await ip(['link', 'set', 'oncall-b', 'up']);
      await ip(['link', 'set', 'oncall-a', 'up']);
      // (a new network usually brings the default route with it, as a VPN's or Wi-Fi's does)
      await ip(['route', 'add', 'default', 'via', '10.99.0.2', 'dev', 'oncall-a']);
      await expect.poll(onLine).toBe(true);
      await expect.poll(async () => Number(await card.getAttribute('data-ice-restarts'))).toBeGreaterThan(before);
      await expect.poll(() => agent.status.getAttribute('data-state')).toBe('registered');
      // The media moved: the agent's selected ICE pair now starts at the new interface's address
      // (the restart a moment after online, when Chromium knows the interface: call-recovery.ts).
      await expect
        .poll(agentMediaAddress)
        .toEqual(['10.99.0.1'])
        .catch(async (err: unknown) => {
          const local = await agent.page.evaluate(async () => {
            const found: string[] = [];
            for (const pc of (globalThis as any).__testPeerConnections as any[]) (await pc.getStats()).forEach((r: any) => r.type === 'local-candidate' && found.push(String(r.address)));
            return found;
          });
          throw new Error(`${String(err)}; local candidates gathered: ${local.join(', ')}; ICE restarts: ${await card.getAttribute('data-ice-restarts')}`);
        });
      await expectAudioBothWays(callId);
      const closedAt = desk.events.length;
      await hangUp(desk.user);
      await desk.waitForEvent('CALL_CLOSED', 15_000, closedAt);
    } finally {
      await ip(['link', 'del', 'oncall-a']).catch(() => undefined);
    }
  });
});

/** Streams PCMU RTP (a 1 kHz tone, 20 ms packets) from `socket` to `to`; returns the stop function. */
function sendRtp(socket: Socket, to: { address: string; port: number }): () => void {
  const ssrc = Math.floor(Math.random() * 0xffffffff);
  let seq = Math.floor(Math.random() * 0xffff);
  let timestamp = Math.floor(Math.random() * 0xffffffff);
  let phase = 0;
  const timer = setInterval(() => {
    const packet = Buffer.alloc(12 + 160);
    packet[0] = 0x80;
    packet[1] = 0; // PCMU
    packet.writeUInt16BE(seq, 2);
    packet.writeUInt32BE(timestamp >>> 0, 4);
    packet.writeUInt32BE(ssrc >>> 0, 8);
    for (let i = 0; i < 160; i++) packet[12 + i] = muLaw(Math.round(8000 * Math.sin((2 * Math.PI * 1000 * phase++) / 8000)));
    socket.send(packet, to.port, to.address);
    seq = (seq + 1) & 0xffff;
    timestamp = (timestamp + 160) >>> 0;
  }, 20);
  return () => clearInterval(timer);
}
