/**
 * Headset call control end to end: simulated HID headsets (the WebHID interface, built from Jabra
 * and Poly headsets' report descriptors: headset/fixtures.ts) drive the real phone engine in
 * Debian's Chromium over real SIP through Kamailio, inside a loopback-only network namespace.
 * Agent A calls; agent B has the headsets.
 */
import { rmSync } from 'node:fs';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startApiServer, stopAndClean, type ApiServer } from '../support/api-server';
import { startKamailio, type Kamailio } from '../support/kamailio';
import { audioFlow, beAvailable, buildRenderer, dialFromPad, incoming, launchBrowser, openAgent, setUpPhone, type Agent } from './agents';
import { fakeHid, headsetSpec, installFakeHid, USAGE } from './headset/fake-hid';
import { JABRA, POLY } from './headset/fixtures';
import { installLateAck, lateAck } from './late-ack';
import { loopbackSuite } from './netns-suite';

const T = {
  pair: 'B pairs a Jabra headset with "Connect headset": it is in use and its lights are off',
  answer: "the headset's hook switch answers a ringing call (ring light, then off-hook light) and audio flows",
  mute: 'the headset mute button toggles the real microphone track, answered with the mute light',
  replug: 'unplugging the headset mid-call keeps the call; plugged back in, its lights are in step and its hook switch hangs up',
  poly: "a Poly headset becomes the active one; a call answered with the mouse lights it, flash at once holds it (after the caller's late ACK) and resumes, hook hangs up",
} as const;

const DOMAIN = 'oncall.test';
const NUMBERS = { A: '+442079460111', B: '+442079460112' } as const;
const SIP = { A: 'sip-secret-a', B: 'sip-secret-b' } as const;
const jabra = headsetSpec(JABRA);
const poly = headsetSpec(POLY);

loopbackSuite(import.meta.filename, 'headset call control end to end', Object.values(T), 1_200_000, () => {
  let api: ApiServer;
  let kamailio: Kamailio;
  let browser: Browser;
  let rendererDir: string;
  let A: Agent;
  let B: Agent;
  const hid = () => fakeHid(B.page);
  /** the enabled state of B's microphone tracks on live calls */
  const micEnabled = () =>
    B.page.evaluate(() =>
      ((globalThis as any).__testPeerConnections as any[])
        .filter((pc) => pc.connectionState !== 'closed')
        .flatMap((pc) => pc.getSenders().filter((s: any) => s.track?.kind === 'audio').map((s: any) => s.track.enabled as boolean)),
    );
  const state = (agent: Agent) => agent.page.locator('[data-call-id]').getByTestId('call-state').first().textContent();
  const calls = (agent: Agent) => agent.page.locator('[data-call-id]').count();

  beforeAll(async () => {
    [api, rendererDir] = await Promise.all([startApiServer(), buildRenderer()]);
    kamailio = await startKamailio({ domain: DOMAIN, users: { [NUMBERS.A]: SIP.A, [NUMBERS.B]: SIP.B } });
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await A?.close();
    await B?.close();
    await browser?.close();
    await kamailio?.close();
    await stopAndClean(api);
    if (rendererDir) rmSync(rendererDir, { recursive: true, force: true });
  });

  it(T.pair, async () => {
    A = await openAgent(browser, { name: 'Alex', email: 'agent1@demo.test', number: NUMBERS.A, apiUrl: api.url, rendererDir, sipWsUrl: kamailio.wsUrl, initScripts: [installLateAck] });
    B = await openAgent(browser, { name: 'Blair', email: 'agent2@demo.test', number: NUMBERS.B, apiUrl: api.url, rendererDir, sipWsUrl: kamailio.wsUrl, initScripts: [installFakeHid] });
    await setUpPhone(A, { wsUrl: kamailio.wsUrl, domain: DOMAIN, password: SIP.A });
    await setUpPhone(B, { wsUrl: kamailio.wsUrl, domain: DOMAIN, password: SIP.B });

    await hid().plug(jabra);
    await B.status.click();
    await B.page.getByRole('tab', { name: 'Settings' }).click();
    const section = B.page.getByRole('region', { name: 'Headset' });
    await expect.poll(() => section.textContent()).toContain('No headset paired');
    await section.getByRole('button', { name: 'Connect headset' }).click();
    const item = section.getByRole('listitem').filter({ hasText: JABRA.name });
    await expect.poll(() => item.textContent()).toContain('in use');
    // The app told the headset its state at once: idle, every light off.
    await expect.poll(() => hid().light(jabra, USAGE.offHook)).toBe(0);
    expect(await hid().light(jabra, USAGE.ring)).toBe(0);
    await B.page.getByRole('button', { name: 'Close phone' }).click();
  });

  it(T.answer, async () => {
    await dialFromPad(A, NUMBERS.B);
    await incoming(B).waitFor();
    await expect.poll(() => hid().light(jabra, USAGE.ring)).toBe(1);
    expect(await hid().light(jabra, USAGE.offHook)).toBe(0);

    await hid().press(jabra, USAGE.hookSwitch);
    await expect.poll(() => state(B)).toBe('Connected');
    await expect.poll(() => state(A)).toBe('Connected');
    await expect.poll(() => hid().light(jabra, USAGE.offHook)).toBe(1);
    expect(await hid().light(jabra, USAGE.ring)).toBe(0);
    const [toA, toB] = await audioFlow([A.page, B.page], 1500);
    expect(toA).toBeGreaterThan(2000);
    expect(toB).toBeGreaterThan(2000);
  });

  it(T.mute, async () => {
    expect(await micEnabled()).toEqual([true]);
    await hid().press(jabra, USAGE.phoneMute);
    await expect.poll(micEnabled).toEqual([false]);
    await expect.poll(() => hid().light(jabra, USAGE.mute)).toBe(1);
    await B.page.locator('[data-call-id]').getByRole('button', { name: 'Unmute' }).waitFor();

    await hid().press(jabra, USAGE.phoneMute);
    await expect.poll(micEnabled).toEqual([true]);
    await expect.poll(() => hid().light(jabra, USAGE.mute)).toBe(0);
  });

  it(T.replug, async () => {
    await hid().unplug(jabra);
    const [toA, toB] = await audioFlow([A.page, B.page], 1500);
    expect(toA, 'the call goes on without the headset').toBeGreaterThan(2000);
    expect(toB).toBeGreaterThan(2000);
    expect(await state(B)).toBe('Connected');

    const before = await hid().sentCount(jabra);
    await hid().plug(jabra);
    await expect.poll(() => hid().sentCount(jabra)).toBeGreaterThan(before);
    await expect.poll(() => hid().light(jabra, USAGE.offHook)).toBe(1);

    await hid().press(jabra, USAGE.hookSwitch); // the headset went off-hook with the light: this puts it on-hook
    await expect.poll(() => calls(B)).toBe(0);
    await expect.poll(() => calls(A)).toBe(0);
    await expect.poll(() => hid().light(jabra, USAGE.offHook)).toBe(0);
  });

  it(T.poly, async () => {
    await hid().plug(poly);
    await B.status.click();
    await B.page.getByRole('tab', { name: 'Settings' }).click();
    const section = B.page.getByRole('region', { name: 'Headset' });
    await section.getByRole('button', { name: 'Connect headset' }).click();
    await expect.poll(() => section.getByRole('listitem').filter({ hasText: POLY.name }).textContent()).toContain('in use');
    await expect.poll(() => section.getByRole('listitem').filter({ hasText: JABRA.name }).textContent()).toContain('connected');
    await B.page.getByRole('button', { name: 'Close phone' }).click();
    const jabraReports = await hid().sentCount(jabra);

    // The last call left B in after-call work, where an inbound call is declined 486 Busy Here.
    await beAvailable(B);
    // A's ACK to B's 200 OK is late, as on CI's loaded machine: B's call is up, but a re-INVITE
    // sent now would cross the ACK and SIP.js would end the call (BYE 488). B must wait for it.
    await lateAck(A.page).arm();
    await dialFromPad(A, NUMBERS.B);
    await expect.poll(() => hid().light(poly, USAGE.ring)).toBe(1);
    await incoming(B).getByRole('button', { name: 'Answer' }).click(); // the mouse, not the headset
    await expect.poll(() => state(B)).toBe('Connected');
    await expect.poll(() => hid().light(poly, USAGE.offHook)).toBe(1);
    expect(await hid().light(poly, USAGE.ring)).toBe(0);

    await hid().press(poly, USAGE.flash);
    await lateAck(A.page).releaseAfter(3000); // unless B's hold re-INVITE reaches A first
    await expect.poll(() => state(B)).toBe('On hold');
    expect(await lateAck(A.page).releasedBy(), "B's hold re-INVITE waited for the ACK").toBe('timer');
    await expect.poll(() => hid().light(poly, USAGE.hold)).toBe(1);
    await hid().press(poly, USAGE.flash);
    await expect.poll(() => state(B)).toBe('Connected');
    await expect.poll(() => hid().light(poly, USAGE.hold)).toBe(0);

    await hid().press(poly, USAGE.hookSwitch);
    await expect.poll(() => calls(B)).toBe(0);
    await expect.poll(() => calls(A)).toBe(0);
    await expect.poll(() => hid().light(poly, USAGE.offHook)).toBe(0);
    // One headset drives the phone: the other one was left alone.
    expect(await hid().sentCount(jabra)).toBe(jabraReports);
  });
});
