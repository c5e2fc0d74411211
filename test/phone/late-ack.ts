/**
 * A caller whose ACK is late, installed in the caller's page before the app loads (a loaded
 * machine or a slow link does this by itself, now and then). Armed, the next ACK the page sends
 * for an initial INVITE (CSeq 1) is held back, with its retransmissions, until the callee's
 * re-INVITE arrives (then it goes out just before SIP.js sees that re-INVITE: the two cross, as in
 * RFC 5407 3.1.4) or until a release timer the test starts. Only this page's SIP WebSocket frames
 * are touched; SIP.js, Kamailio and the callee are the real ones.
 */
import type { Page } from 'playwright-core';

/** Runs in the page (serialised by Playwright): no imports, no closures over Node values. */
export function installLateAck(): void {
  const w = globalThis as any;
  const Original = w.WebSocket;
  let armed = false;
  let held: { ws: WebSocket; data: string } | null = null;
  let releasedBy: string | null = null;
  const release = (by: string) => {
    if (!armed) return;
    armed = false;
    releasedBy = by;
    if (held) Original.prototype.send.call(held.ws, held.data);
    held = null;
  };
  w.WebSocket = class extends Original {
    constructor(...args: unknown[]) {
      super(...args);
      // Registered before SIP.js's own listener, so the held ACK leaves first.
      this.addEventListener('message', (event: MessageEvent) => {
        if (held && typeof event.data === 'string' && event.data.startsWith('INVITE ')) release('re-INVITE');
      });
    }
    send(data: unknown) {
      if (armed && typeof data === 'string' && data.startsWith('ACK ') && /^CSeq:\s*1 ACK/im.test(data)) {
        held ??= { ws: this as unknown as WebSocket, data };
        return;
      }
      return super.send(data);
    }
  };
  w.__lateAck = {
    arm() {
      armed = true;
      held = null;
      releasedBy = null;
    },
    releaseAfter(ms: number) {
      setTimeout(() => release('timer'), ms);
    },
    /** what let the ACK go: 're-INVITE' (it crossed the callee's re-INVITE), 'timer', or null (still held) */
    releasedBy: () => releasedBy,
  };
}

export function lateAck(page: Page) {
  return {
    arm: () => page.evaluate(() => (globalThis as any).__lateAck.arm()),
    releaseAfter: (ms: number) => page.evaluate((m) => (globalThis as any).__lateAck.releaseAfter(m), ms),
    releasedBy: () => page.evaluate(() => (globalThis as any).__lateAck.releasedBy() as string | null),
  };
}
