/**
 * `npm run bench:phone`: call setup speed of the softphone over loopback (not a test).
 * Same rig as test/phone/softphone.test.ts (API, Kamailio, two agent desktops in Chromium, inside
 * a loopback-only network namespace). Over CALLS calls from A's dialpad to B, which answers as
 * soon as its incoming-call card renders:
 *   click -> INVITE sent      (the Call click to the INVITE leaving on the SIP WebSocket)
 *   INVITE -> established     (INVITE sent to the ACK for its 200 OK leaving)
 * Times come from the page itself (a wrapper on WebSocket.send records when each SIP request
 * leaves), so no Playwright round trip is counted. Baseline, measured in the same run: a bare SIP
 * OPTIONS round trip from A's page to Kamailio through the TCP relay A's phone uses (the page's CSP
 * allows only that WebSocket); every measured interval starts on A and crosses that relay. The
 * same round trip from B's page straight to Kamailio is printed beside it (what the relay adds).
 * The same run also calls a plain desk phone (baresip, auto-answer) through the WebRTC gateway
 * (Kamailio + rtpengine bridging DTLS-SRTP to RTP), and measures call recovery: the agent's SIP
 * WebSocket is cut mid-call (test/support/tcp-cut.ts) and restored; from the restore to the
 * ICE-restart re-INVITE being answered (re-registered and the call's dialog and media refreshed).
 * Prints p50/p95 in ms and as ratios to the baseline's p50: the run line and table of docs/BENCHMARKS.md.
 * Last, on the same agents, answering from a headset against a click on Answer
 * (test/phone/headset-answer-bench.ts): B's headset hook switch and B's click, each timed to the
 * 200 OK sent and to audio flowing, printed as a second table with the click as its baseline.
 */
import { rmSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import type { Page } from 'playwright-core';
import { startApiServer, stopAndClean } from '../support/api-server';
import { startBaresip } from '../support/baresip';
import { freePort } from '../../scripts/lib/free-port';
import { startKamailio } from '../support/kamailio';
import { startRtpengine } from '../support/rtpengine';
import { startTcpCut, type TcpCut } from '../support/tcp-cut';
import { inLoopbackNetns, runInLoopbackNetns } from '../support/netns';
import { HEADSET_INIT_SCRIPTS, measureHeadsetAnswers, pairHeadset, RECORD_INVITE_ANSWERS } from './headset-answer-bench';
import { beAvailable, buildRenderer, launchBrowser, openAgent, setUpPhone, waitFor, type Agent } from './agents';

const CALLS = 20;
const BASELINE_ROUNDS = 40;
const DOMAIN = 'oncall.test';
const A = { number: '+442079460101', password: 'bench-a' };
const B = { number: '+442079460102', password: 'bench-b' };
const DESK = { number: '+442079460201', password: 'bench-desk' };
const DESK_CALLS = 10;
const CUTS = 10;
const HEADSET_ROUNDS = 15; // answers of each kind (headset, click), alternating

// Records when each SIP request leaves on any WebSocket of the page: method, Call-ID, time.
const RECORD_SIP_SENDS = `(() => {
  const sent = [];
  Object.defineProperty(window, '__sipSends', { value: sent });
  const original = WebSocket.prototype.send;
  WebSocket.prototype.send = function (data) {
    if (typeof data === 'string') {
      const method = /^([A-Z]+) sip:/.exec(data);
      const callId = /\\r\\nCall-ID:\\s*([^\\r\\n]+)/i.exec(data);
      if (method && callId) sent.push({ method: method[1], callId: callId[1].trim(), at: performance.now() });
    }
    return original.call(this, data);
  };
})();`;

// B answers the moment the incoming-call card is on screen (until the headset part turns it off).
const AUTO_ANSWER = `(() => {
  window.__benchAutoAnswer = true;
  new MutationObserver(() => {
    if (!window.__benchAutoAnswer) return;
    const button = [...document.querySelectorAll('[role="alertdialog"] button')].find((b) => b.textContent === 'Answer');
    if (button && !button.dataset.benchClicked) { button.dataset.benchClicked = '1'; button.click(); }
  }).observe(document.body, { childList: true, subtree: true });
})();`;

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i]!;
}

async function optionsRoundTrips(page: Page, wsUrl: string, rounds: number): Promise<number[]> {
  return page.evaluate(
    async ({ wsUrl, rounds, domain }) => {
      const ws = new (globalThis as any).WebSocket(wsUrl, 'sip');
      await new Promise((resolve, reject) => {
        ws.onopen = resolve;
        ws.onerror = reject;
      });
      const times: number[] = [];
      for (let i = 0; i < rounds; i++) {
        const branch = `z9hG4bKbench${i}${Math.random().toString(36).slice(2)}`;
        const msg = [
          `OPTIONS sip:${domain} SIP/2.0`,
          `Via: SIP/2.0/WSS bench.invalid;branch=${branch}`,
          'Max-Forwards: 70',
          `To: <sip:${domain}>`,
          `From: <sip:bench@${domain}>;tag=bench${i}`,
          `Call-ID: bench-${i}-${branch}`,
          `CSeq: ${i + 1} OPTIONS`,
          'Content-Length: 0',
          '',
          '',
        ].join('\r\n');
        const t0 = performance.now();
        const answered = new Promise<void>((resolve) => {
          ws.onmessage = (e: { data: unknown }) => {
            if (String(e.data).startsWith('SIP/2.0 200') && String(e.data).includes(branch)) resolve();
          };
        });
        ws.send(msg);
        await answered;
        times.push(performance.now() - t0);
      }
      ws.close();
      return times;
    },
    { wsUrl, rounds, domain: DOMAIN },
  );
}

async function oneCall(a: Agent, b: Agent | null, number = B.number): Promise<{ clickToInvite: number; inviteToEstablished: number }> {
  // B's previous call left it in after-call work, where it would decline 486 Busy Here.
  if (b) await beAvailable(b);
  await a.page.getByLabel('Number to call').fill(number);
  const callButton = a.page.getByRole('button', { name: 'Call', exact: true });
  await callButton.waitFor();
  const clickedAt = await a.page.evaluate(() => {
    const page = globalThis as any;
    const sendsBefore = page.__sipSends.length;
    const button = page.document.querySelector('.phone-dialpad button[type="submit"]');
    const at = performance.now();
    button.click();
    return { at, sendsBefore };
  });
  let timing: { invite: number; ack: number } | null = null;
  await waitFor(
    async () => {
      timing = await a.page.evaluate((from) => {
        const sends = ((globalThis as any).__sipSends as { method: string; callId: string; at: number }[]).slice(from);
        const invite = sends.find((s) => s.method === 'INVITE');
        const ack = invite && sends.find((s) => s.method === 'ACK' && s.callId === invite.callId);
        return invite && ack ? { invite: invite.at, ack: ack.at } : null;
      }, clickedAt.sendsBefore);
      return timing !== null;
    },
    10_000,
    'the call to be established',
  );
  // An ACK also follows a refusal (486...): only a connected call counts.
  const card = a.page.getByRole('region', { name: /^Call with / });
  await waitFor(async () => (await card.getByTestId('call-state').textContent().catch(() => '')) === 'Connected', 10_000, `the call to ${number} to show Connected`);
  await card.getByRole('button', { name: 'Hang up' }).click();
  await waitFor(async () => (await a.page.locator('[data-call-id]').count()) === 0 && (!b || (await b.page.locator('[data-call-id]').count()) === 0), 10_000, 'both phones idle');
  const t = timing as unknown as { invite: number; ack: number };
  return { clickToInvite: t.invite - clickedAt.at, inviteToEstablished: t.ack - t.invite };
}

/** Cuts A's WebSocket during a call with the desk phone and times restore -> ICE-restart re-INVITE answered. */
async function oneCut(a: Agent, link: TcpCut): Promise<number> {
  await a.page.getByLabel('Number to call').fill(DESK.number);
  await a.page.getByRole('button', { name: 'Call', exact: true }).click();
  const card = a.page.getByRole('region', { name: /^Call with / });
  await waitFor(async () => (await card.getByTestId('call-state').textContent().catch(() => '')) === 'Connected', 10_000, 'the desk call to connect');
  const restarts = async () => Number(await card.getAttribute('data-ice-restarts'));
  const before = await restarts();
  await link.cut();
  await waitFor(async () => (await a.status.getAttribute('data-state')) === 'reconnecting', 10_000, 'the phone to notice the cut');
  await link.restore();
  const t0 = performance.now();
  await waitFor(async () => (await restarts()) > before, 20_000, 'the ICE-restart re-INVITE to be answered');
  const took = performance.now() - t0;
  await card.getByRole('button', { name: 'Hang up' }).click();
  await waitFor(async () => (await a.page.locator('[data-call-id]').count()) === 0, 10_000, 'the phone idle');
  return took;
}

async function main(): Promise<void> {
  const api = await startApiServer();
  const rendererDir = await buildRenderer();
  const rtpengine = await startRtpengine();
  const kamailio = await startKamailio({
    domain: DOMAIN,
    users: { [A.number]: A.password, [B.number]: B.password, [DESK.number]: DESK.password },
    // The gateway config: agent-to-agent calls bypass rtpengine exactly as with the plain proxy.
    gateway: { ngPort: rtpengine.ngPort, trunkPrefix: '1555', trunkPort: await freePort() },
  });
  const link = await startTcpCut(kamailio.port);
  const desk = await startBaresip({ user: DESK.number, password: DESK.password, domain: DOMAIN, proxyPort: kamailio.udpPort, autoAnswer: true });
  const browser = await launchBrowser();
  const agents: Agent[] = [];
  try {
    const a = await openAgent(browser, { name: 'Alex', email: 'agent1@demo.test', number: A.number, apiUrl: api.url, rendererDir, sipWsUrl: link.url });
    const b = await openAgent(browser, { name: 'Blair', email: 'agent2@demo.test', number: B.number, apiUrl: api.url, rendererDir, sipWsUrl: kamailio.wsUrl, initScripts: HEADSET_INIT_SCRIPTS });
    agents.push(a, b);
    await a.page.evaluate(RECORD_SIP_SENDS);
    await b.page.evaluate(AUTO_ANSWER);
    await b.page.evaluate(RECORD_INVITE_ANSWERS);
    // The wrapper patches WebSocket.prototype, so the phone's socket (opened below) goes through it.
    await setUpPhone(a, { wsUrl: link.url, domain: DOMAIN, password: A.password });
    await setUpPhone(b, { wsUrl: kamailio.wsUrl, domain: DOMAIN, password: B.password });
    await a.status.click();

    // Through the same relay the phone uses (the page may only open that WebSocket).
    const baseline = await optionsRoundTrips(a.page, link.url, BASELINE_ROUNDS);
    const direct = await optionsRoundTrips(b.page, kamailio.wsUrl, BASELINE_ROUNDS);
    // One warm-up call (first getUserMedia, first peer connection), not counted.
    await oneCall(a, b);
    const clickToInvite: number[] = [];
    const inviteToEstablished: number[] = [];
    for (let i = 0; i < CALLS; i++) {
      const r = await oneCall(a, b);
      clickToInvite.push(r.clickToInvite);
      inviteToEstablished.push(r.inviteToEstablished);
    }
    await oneCall(a, null, DESK.number);
    const deskClick: number[] = [];
    const deskEstablished: number[] = [];
    for (let i = 0; i < DESK_CALLS; i++) {
      const r = await oneCall(a, null, DESK.number);
      deskClick.push(r.clickToInvite);
      deskEstablished.push(r.inviteToEstablished);
    }
    const recovery: number[] = [];
    for (let i = 0; i < CUTS; i++) recovery.push(await oneCut(a, link));

    // The headset: B answers by hand (hook switch or click) from here on.
    await b.page.evaluate(() => ((globalThis as any).__benchAutoAnswer = false));
    await pairHeadset(b);
    const answers = await measureHeadsetAnswers(a, b, HEADSET_ROUNDS);

    const base = percentile(baseline, 50);
    const row = (name: string, values: number[]) => {
      const p50 = percentile(values, 50);
      const p95 = percentile(values, 95);
      return `| ${name} | ${p50.toFixed(1)} ms | ${p95.toFixed(1)} ms | ${(p50 / base).toFixed(1)}× | ${(p95 / base).toFixed(1)}× |`;
    };
    const vsClick = (name: string, values: number[], click: number[]) => {
      const [p50, p95] = [percentile(values, 50), percentile(values, 95)];
      return `| ${name} | ${p50.toFixed(1)} ms | ${p95.toFixed(1)} ms | ${(p50 / percentile(click, 50)).toFixed(2)}× | ${(p95 / percentile(click, 95)).toFixed(2)}× |`;
    };
    const lines = [
      `Run ${new Date().toISOString().slice(0, 10)}, \`npm run bench:phone\`, ${cpus().length} cores shared with other work (load average`,
      `${loadavg().map((l) => l.toFixed(1)).join(' / ')} at the end of the run). Baseline p50 ${base.toFixed(2)} ms (p95 ${percentile(baseline, 95).toFixed(2)} ms,`,
      `${BASELINE_ROUNDS} rounds); straight to Kamailio p50 ${percentile(direct, 50).toFixed(2)} ms (p95 ${percentile(direct, 95).toFixed(2)} ms).`,
      '',
      '| interval | p50 | p95 | p50 / baseline | p95 / baseline |',
      '| --- | --- | --- | --- | --- |',
      row('agent to agent: click -> INVITE sent', clickToInvite),
      row('agent to agent: INVITE sent -> established (ACK sent)', inviteToEstablished),
      row('desk phone via gateway: click -> INVITE sent', deskClick),
      row('desk phone via gateway: INVITE sent -> established', deskEstablished),
      row(`WebSocket restored -> call recovered (${CUTS} cuts)`, recovery),
      '',
      `Headset answer, ${HEADSET_ROUNDS} answers of each kind, alternating; baseline: the click on Answer, interval by interval.`,
      '',
      '| interval | p50 | p95 | p50 / click p50 | p95 / click p95 |',
      '| --- | --- | --- | --- | --- |',
      vsClick('click Answer -> 200 OK sent (baseline)', answers.click.ok, answers.click.ok),
      vsClick('headset hook switch -> 200 OK sent', answers.headset.ok, answers.click.ok),
      vsClick('click Answer -> audio flowing (baseline)', answers.click.audio, answers.click.audio),
      vsClick('headset hook switch -> audio flowing', answers.headset.audio, answers.click.audio),
    ];
    // The method and how to read the figures: docs/BENCHMARKS.md, "Softphone call setup" and "Headset answer".
    console.log(`\n${lines.join('\n')}\n`);
  } finally {
    for (const a of agents) await a.close();
    await browser.close();
    await desk.stop();
    await link.close();
    await kamailio.close();
    await rtpengine.stop();
    await stopAndClean(api);
    rmSync(rendererDir, { recursive: true, force: true });
  }
}

if (inLoopbackNetns()) {
  main().then(
    () => process.exit(0),
    (err: unknown) => {
      console.error(err);
      process.exit(1);
    },
  );
} else {
  // WebRTC may only use loopback: run the whole bench inside a private network namespace.
  runInLoopbackNetns([process.execPath, '--import', 'tsx', import.meta.filename], { timeoutMs: 600_000, echo: (c) => process.stdout.write(c) }).then(
    (run) => process.exit(run.timedOut ? 124 : (run.code ?? 1)),
    (err: unknown) => {
      console.error(err);
      process.exit(1);
    },
  );
}
