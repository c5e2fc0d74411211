/**
 * `npm run bench:headset`: answering from the headset vs. clicking Answer (not a test).
 * The phone test rig (real API, Kamailio, two agent desktops in Chromium, inside a loopback-only
 * network namespace); B has a simulated Jabra headset (test/phone/headset/fake-hid.ts, the same
 * WebHID device test/phone/headset.test.ts uses) paired with "Connect headset". A calls B; once B
 * rings (the ringing card on screen and the headset's ring light on), B answers, alternating:
 *   headset: the hook switch goes off-hook (an input report on the HIDDevice)
 *   click:   a click on the ringing card's Answer button (the baseline, measured in the same run)
 * and each is timed, from the press or click, to
 *   200 OK sent:    the SIP answer leaving on B's WebSocket
 *   audio flowing:  the first audio packet from A counted by B's peer connection (getStats)
 * Times come from B's page itself (a wrapper on WebSocket.send, a getStats poll every 2 ms), so
 * no Playwright round trip is counted. Prints p50/p95 in ms and each headset figure as a ratio to
 * the click's figure of the same interval: the run line and table of docs/BENCHMARKS.md.
 */
import { rmSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import type { Page } from 'playwright-core';
import { startApiServer, stopAndClean } from '../support/api-server';
import { startKamailio } from '../support/kamailio';
import { inLoopbackNetns, runInLoopbackNetns } from '../support/netns';
import { beAvailable, buildRenderer, dialFromPad, launchBrowser, openAgent, setUpPhone, waitFor, type Agent } from './agents';
import { fakeHid, headsetSpec, installFakeHid, USAGE } from './headset/fake-hid';
import { JABRA } from './headset/fixtures';

const ROUNDS = 15; // of each kind, alternating, after one warm-up of each
const DOMAIN = 'oncall.test';
const A = { number: '+442079460131', password: 'bench-a' };
const B = { number: '+442079460132', password: 'bench-b' };
const jabra = headsetSpec(JABRA);
// tsx compiles with esbuild's keepNames, which wraps named functions in a `__name` helper that
// does not exist in the page: functions sent into the page need this stand-in (vitest has none).
// (Built from a string so esbuild cannot wrap the shim itself.)
const KEEP_NAMES_SHIM = [new Function("Object.defineProperty(globalThis, '__name', { value: function (f) { return f; } });") as () => void];

// Records when B's page sends each SIP response to an INVITE (status, time).
const RECORD_INVITE_ANSWERS = `(() => {
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

/** Starts the answer (press or click) inside B's page; resolves with both intervals in ms. */
function answerTimed(page: Page, kind: Kind, key: string): Promise<{ ok: number; audio: number }> {
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
    { kind, key, hook: USAGE.hookSwitch },
  );
}

async function oneCall(a: Agent, b: Agent, kind: Kind): Promise<{ ok: number; audio: number }> {
  // B's previous call left it in after-call work, where it would decline 486 Busy Here.
  await beAvailable(b);
  await dialFromPad(a, B.number);
  const hid = fakeHid(b.page);
  await waitFor(async () => (await b.page.getByRole('alertdialog').getByRole('button', { name: 'Answer' }).count()) === 1, 15_000, 'B to ring');
  // The headset knows the call rings (its ring light is on): a press now is an answer.
  await waitFor(async () => (await hid.light(jabra, USAGE.ring)) === 1, 15_000, "the headset's ring light");
  const timing = await answerTimed(b.page, kind, jabra.key);
  const card = a.page.getByRole('region', { name: /^Call with / });
  await waitFor(async () => (await card.getByTestId('call-state').textContent().catch(() => '')) === 'Connected', 15_000, 'A to show Connected');
  await card.getByRole('button', { name: 'Hang up' }).click();
  await waitFor(async () => (await a.page.locator('[data-call-id]').count()) === 0 && (await b.page.locator('[data-call-id]').count()) === 0, 15_000, 'both phones idle');
  await waitFor(async () => (await hid.light(jabra, USAGE.offHook)) === 0, 15_000, "the headset's off-hook light off");
  return timing;
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((x, y) => x - y);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

async function main(): Promise<void> {
  const api = await startApiServer();
  const rendererDir = await buildRenderer();
  const kamailio = await startKamailio({ domain: DOMAIN, users: { [A.number]: A.password, [B.number]: B.password } });
  const browser = await launchBrowser();
  const agents: Agent[] = [];
  try {
    const a = await openAgent(browser, { name: 'Alex', email: 'agent1@demo.test', number: A.number, apiUrl: api.url, rendererDir, sipWsUrl: kamailio.wsUrl });
    const b = await openAgent(browser, { name: 'Blair', email: 'agent2@demo.test', number: B.number, apiUrl: api.url, rendererDir, sipWsUrl: kamailio.wsUrl, initScripts: [...KEEP_NAMES_SHIM, installFakeHid] });
    agents.push(a, b);
    // The wrapper patches WebSocket.prototype, so the phone's socket (opened below) goes through it.
    await b.page.evaluate(RECORD_INVITE_ANSWERS);
    await setUpPhone(a, { wsUrl: kamailio.wsUrl, domain: DOMAIN, password: A.password });
    await setUpPhone(b, { wsUrl: kamailio.wsUrl, domain: DOMAIN, password: B.password });
    await fakeHid(b.page).plug(jabra);
    await b.status.click();
    await b.page.getByRole('tab', { name: 'Settings' }).click();
    const section = b.page.getByRole('region', { name: 'Headset' });
    await section.getByRole('button', { name: 'Connect headset' }).click();
    await waitFor(async () => ((await section.getByRole('listitem').filter({ hasText: JABRA.name }).textContent()) ?? '').includes('in use'), 15_000, 'the headset in use');
    await b.page.getByRole('button', { name: 'Close phone' }).click();

    // Warm-up (first getUserMedia, first peer connection), not counted.
    await oneCall(a, b, 'headset');
    await oneCall(a, b, 'click');
    const runs: Record<Kind, { ok: number[]; audio: number[] }> = { headset: { ok: [], audio: [] }, click: { ok: [], audio: [] } };
    for (let i = 0; i < ROUNDS * 2; i++) {
      const kind: Kind = i % 2 === 0 ? 'headset' : 'click';
      const r = await oneCall(a, b, kind);
      runs[kind].ok.push(r.ok);
      runs[kind].audio.push(r.audio);
    }

    const row = (name: string, values: number[], baseline: number[]) => {
      const [p50, p95] = [percentile(values, 50), percentile(values, 95)];
      return `| ${name} | ${p50.toFixed(1)} ms | ${p95.toFixed(1)} ms | ${(p50 / percentile(baseline, 50)).toFixed(2)}× | ${(p95 / percentile(baseline, 95)).toFixed(2)}× |`;
    };
    const lines = [
      `Run ${new Date().toISOString().slice(0, 10)}, \`npm run bench:headset\`, ${cpus().length} cores shared with other work (load average`,
      `${loadavg().map((l) => l.toFixed(1)).join(' / ')} at the end of the run); ${ROUNDS} answers of each kind, alternating.`,
      '',
      '| interval | p50 | p95 | p50 / click p50 | p95 / click p95 |',
      '| --- | --- | --- | --- | --- |',
      row('click Answer -> 200 OK sent (baseline)', runs.click.ok, runs.click.ok),
      row('headset hook switch -> 200 OK sent', runs.headset.ok, runs.click.ok),
      row('click Answer -> audio flowing (baseline)', runs.click.audio, runs.click.audio),
      row('headset hook switch -> audio flowing', runs.headset.audio, runs.click.audio),
    ];
    // The method and how to read the figures: docs/BENCHMARKS.md, "Headset answer".
    console.log(`\n${lines.join('\n')}\n`);
  } finally {
    for (const agent of agents) await agent.close();
    await browser.close();
    await kamailio.close();
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
