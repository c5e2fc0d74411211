/**
 * The interop rig the gateway test files share: the real API, a fresh renderer build, Kamailio as
 * a WebRTC gateway (WS for agents, UDP for desk phones and the SIPp trunk) with Debian's rtpengine
 * bridging the media, a TCP relay the agent's SIP WebSocket goes through (so a case can cut it),
 * and Chromium. Plus what the cases ask of it: SIPp scenarios as the trunk, rtpengine's per-party
 * packet counts, and the agent's call records read from the desktop's own store.
 * Every process is started here, inside the test's own loopback-only namespace, and stopped by pid.
 */
import { rmSync } from 'node:fs';
import { expect } from 'vitest';
import type { Browser } from 'playwright-core';
import { startApiServer, stopAndClean, type ApiServer } from '../support/api-server';
import { freePort } from '../../scripts/lib/free-port';
import { startKamailio, type Kamailio } from '../support/kamailio';
import { startRtpengine, type Rtpengine } from '../support/rtpengine';
import { startTcpCut, type TcpCut } from '../support/tcp-cut';
import { runSipp, type SippCall, type SippRun } from '../support/sipp';
import { buildRenderer, launchBrowser, waitFor, type Agent } from './agents';

export const DOMAIN = 'oncall.test';
/** numbers under this prefix are the SIPp trunk's */
export const TRUNK_PREFIX = '1555';
export const TRUNK_CALLER = '+15550100001';

export interface TrunkCall extends SippCall {
  result(): Promise<SippRun>;
}

export interface GatewayRig {
  api: ApiServer;
  kamailio: Kamailio;
  rtpengine: Rtpengine;
  browser: Browser;
  rendererDir: string;
  trunkPort: number;
  /** the agent's SIP WebSocket runs through this, so a case can cut it */
  link: TcpCut;
  /** Starts a SIPp scenario (UAC when `to` is given: it calls that number through the gateway), for `calls` calls (1). */
  sipp(scenario: string, pauseMs: number, keys: Record<string, string>, to?: string, calls?: number): Promise<TrunkCall>;
  /** kills every SIPp still running (a failed case) */
  stopTrunkCalls(): void;
  /** Packets each party sent into rtpengine over `ms`, for the call with this SIP Call-ID. */
  gatewayFlow(callId: string, ms: number): Promise<number[]>;
  stop(): Promise<void>;
}

export async function startGatewayRig(users: Record<string, string>): Promise<GatewayRig> {
  // One after the other: on a loaded machine the build and the API's start compete for CPU.
  const rendererDir = await buildRenderer();
  // A part that fails to start (a missing Debian package) takes down the ones started before it:
  // the suite's afterAll has no rig to stop, and an API left running outlives the test run.
  const started: (() => Promise<unknown>)[] = [async () => rmSync(rendererDir, { recursive: true, force: true })];
  const start = async <T>(part: Promise<T>, stop: (it: T) => Promise<unknown>): Promise<T> => {
    const it = await part;
    started.unshift(() => stop(it));
    return it;
  };
  let parts;
  try {
    const api = await start(startApiServer(), stopAndClean);
    const [rtpengine, trunkPort] = await Promise.all([start(startRtpengine(), (r) => r.stop()), freePort()]);
    const kamailio = await start(startKamailio({ domain: DOMAIN, users, gateway: { ngPort: rtpengine.ngPort, trunkPrefix: TRUNK_PREFIX, trunkPort } }), (k) => k.close());
    const link = await start(startTcpCut(kamailio.port), (l) => l.close());
    const browser = await start(launchBrowser(), (b) => b.close());
    parts = { api, rtpengine, trunkPort, kamailio, link, browser };
  } catch (err) {
    for (const stop of started) await stop().catch(() => undefined);
    throw err;
  }
  const { api, rtpengine, trunkPort, kamailio, link, browser } = parts;
  const running = new Set<SippCall>();
  return {
    api,
    kamailio,
    rtpengine,
    browser,
    rendererDir,
    trunkPort,
    link,
    async sipp(scenario, pauseMs, keys, to, calls) {
      const call = runSipp({
        scenario,
        calls,
        port: to ? await freePort() : trunkPort,
        mediaPort: 30_000 + 2 * Math.floor(Math.random() * 5000),
        remote: to ? `127.0.0.1:${kamailio.udpPort}` : undefined,
        service: to,
        pauseMs,
        keys: { caller: TRUNK_CALLER, caller_name: 'Carrier', ...keys },
      });
      running.add(call);
      return {
        ...call,
        async result() {
          const run = await call.done;
          running.delete(call);
          return run;
        },
      };
    },
    stopTrunkCalls() {
      for (const call of running) call.stop();
      running.clear();
    },
    async gatewayFlow(callId, ms) {
      const before = await rtpengine.query(callId);
      await new Promise((r) => setTimeout(r, ms));
      const after = await rtpengine.query(callId);
      return after.legs.map((leg) => leg.packets - (before.legs.find((l) => l.tag === leg.tag)?.packets ?? 0));
    },
    async stop() {
      for (const call of running) call.stop();
      await link.close();
      await browser.close();
      await kamailio.close();
      await rtpengine.stop();
      await stopAndClean(api);
      rmSync(rendererDir, { recursive: true, force: true });
    },
  };
}

export function expectPassed(run: SippRun): void {
  expect(run.code, `SIPp scenario failed:\n${run.output}\n${run.errors}\n${run.messages.slice(-6000)}`).toBe(0);
}

/** The agent's newest call record matching `phone` (read from the desktop's own store). */
export async function latestRecord(agent: Agent, phone: string): Promise<any> {
  let found: any = null;
  await waitFor(
    async () => {
      const list = (await agent.page.evaluate(() => (globalThis as any).oncall.invoke('calls.list', {}))) as any[];
      found = list.filter((c) => c.phone_number === phone).sort((a, b) => b.started_at.localeCompare(a.started_at))[0] ?? null;
      return found !== null;
    },
    10_000,
    `a call record for ${phone}`,
  );
  return found;
}

/** Waits until the agent's newest record for `phone` passes `check`; returns it. */
export async function recordWhen(agent: Agent, phone: string, check: (r: any) => boolean, what: string): Promise<any> {
  let record: any = null;
  await waitFor(async () => check((record = await latestRecord(agent, phone))), 10_000, what).catch((err) => {
    throw new Error(`${(err as Error).message}: last record ${JSON.stringify(record)}`);
  });
  return record;
}
