/**
 * Lets the real softphone (PhoneEngine + SIP.js) run in jsdom for component tests: a SIP server
 * stand-in (sip-server.ts) and the few browser pieces jsdom lacks. Only the platform is replaced:
 * - WebSocket: jsdom 29's (undici's) one cannot dispatch its events under Vitest, so the `ws`
 *   package's client, which speaks the same browser API, carries SIP.js's transport;
 * - AudioContext and <audio> play/pause: the ring tone, silent.
 * jsdom has no WebRTC, so calls never get media: inbound calls ring, outbound ones stay dialling.
 */
import { cleanup } from '@testing-library/react';
import { afterEach, vi } from 'vitest';
import { WebSocket as NodeWebSocket } from 'ws';
import type { FakeBridge } from './fake-bridge';
import { FakeSipServer } from './sip-server';

class SilentAudioContext {
  currentTime = 0;
  createMediaStreamDestination() {
    return { stream: null };
  }
  createGain() {
    return { gain: { value: 0, setValueAtTime: () => undefined }, connect: () => undefined, disconnect: () => undefined };
  }
  createOscillator() {
    return { frequency: { value: 0 }, connect: () => undefined, start: () => undefined, stop: () => undefined };
  }
  resume() {
    return Promise.resolve();
  }
  close() {
    return Promise.resolve();
  }
}

const servers: FakeSipServer[] = [];

afterEach(async () => {
  // Unmount first so the phone unregisters and closes its WebSocket while the server still runs.
  cleanup();
  await new Promise((r) => setTimeout(r, 50));
  vi.unstubAllGlobals();
  vi.restoreAllMocks();
  await Promise.all(servers.splice(0).map((s) => s.stop()));
});

/** Configures the agent's phone against a fresh SIP server stand-in; call before renderApp. */
export async function withSoftphone(bridge: FakeBridge): Promise<FakeSipServer> {
  vi.stubGlobal('WebSocket', NodeWebSocket);
  vi.stubGlobal('AudioContext', SilentAudioContext);
  vi.spyOn(HTMLMediaElement.prototype, 'play').mockImplementation(() => Promise.resolve());
  vi.spyOn(HTMLMediaElement.prototype, 'pause').mockImplementation(() => undefined);
  const sip = await FakeSipServer.start();
  servers.push(sip);
  bridge.phoneSettings = { ...bridge.phoneSettings, ws_url: sip.url, sip_uri: 'sip:+442079460100@pbx.test', password: 'secret' };
  return sip;
}
