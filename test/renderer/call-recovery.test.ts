/**
 * When the phone refreshes calls after the network changes (call-recovery.ts): `online` restarts
 * ICE at once and again as the browser learns the new interfaces (the restart at
 * the moment of `online` gathers the old addresses only: test/phone/interop-features.test.ts shows
 * the media moving on the second one). No SIP here: calls are stand-ins counting restarts.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { CallRecovery, ONLINE_SETTLE_MS } from '../../src-renderer/phone/call-recovery';
import type { PhoneCall } from '../../src-renderer/phone/phone-call';

function call(connected = true) {
  const restarts: string[] = [];
  return { restarts, connected, restartIce: async (trigger: string) => void restarts.push(trigger) };
}

describe('call recovery after the network changes', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('restarts ICE on online at once, and again as the interfaces settle', async () => {
    const recovery = new CallRecovery({ connected: () => true, now: () => Date.now() });
    const live = call();
    const ended = call(false);
    recovery.networkChanged(() => [live, ended] as unknown as PhoneCall[]);
    await vi.advanceTimersByTimeAsync(0);
    expect(live.restarts).toEqual(['online']);
    let at = 0;
    for (const [i, ms] of ONLINE_SETTLE_MS.entries()) {
      await vi.advanceTimersByTimeAsync(ms - at - 1);
      expect(live.restarts).toHaveLength(i + 1);
      await vi.advanceTimersByTimeAsync(1);
      expect(live.restarts).toHaveLength(i + 2);
      at = ms;
    }
    await vi.advanceTimersByTimeAsync(60_000);
    expect(live.restarts).toEqual(Array(ONLINE_SETTLE_MS.length + 1).fill('online'));
    expect(ended.restarts).toEqual([]);
    recovery.dispose();
  });

  it('a second online before the first settled restarts now and settles from there, once', async () => {
    const recovery = new CallRecovery({ connected: () => true, now: () => Date.now() });
    const live = call();
    recovery.networkChanged(() => [live] as unknown as PhoneCall[]);
    await vi.advanceTimersByTimeAsync(ONLINE_SETTLE_MS[0] / 2);
    recovery.networkChanged(() => [live] as unknown as PhoneCall[]);
    await vi.advanceTimersByTimeAsync(60_000);
    // at once, 1.5 s later at once again, then each settle point counted from the second
    expect(live.restarts).toHaveLength(2 + ONLINE_SETTLE_MS.length);
    recovery.dispose();
  });

  it('sends nothing while the WebSocket is down, and nothing after the phone stopped', async () => {
    let up = false;
    const recovery = new CallRecovery({ connected: () => up, now: () => Date.now() });
    const live = call();
    recovery.networkChanged(() => [live] as unknown as PhoneCall[]);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(live.restarts).toEqual([]);
    // the re-registration flushes what waits
    up = true;
    recovery.flush('reregistered');
    await vi.advanceTimersByTimeAsync(0);
    expect(live.restarts).toEqual(['reregistered']);
    recovery.networkChanged(() => [live] as unknown as PhoneCall[]);
    recovery.dispose();
    await vi.advanceTimersByTimeAsync(60_000);
    expect(live.restarts).toEqual(['reregistered', 'online']);
  });
});
