/**
 * Debian's baresip (baresip-core) as a plain-SIP desk phone for the interop rig: SIP over UDP to
 * the gateway, plain RTP, a sine tone as microphone, driven over its ctrl_tcp module (netstring
 * JSON commands, and the phone's events: incoming call, established, closed, DTMF...).
 * Facts that matter on a loopback-only machine: `net_interface 127.0.0.1` (else registering fails
 * with "Protocol not supported"), and the `ausine` source needs 48 kHz stereo (else the call drops).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../../scripts/lib/free-port';
import { findBinary, startDaemon, type Daemon } from './daemon';

export interface BaresipEvent {
  type: string;
  class?: string;
  param?: string;
  peeruri?: string;
  id?: string;
  accountaor?: string;
  [key: string]: unknown;
}

export interface Baresip {
  user: string;
  logs: string[];
  events: BaresipEvent[];
  /** runs one menu command (`dial`, `accept`, `hangup`, `hold`, ...) and returns its text */
  command(command: string, params?: string): Promise<string>;
  /** the first event of `type` after index `since` (default: any so far) */
  waitForEvent(type: string, timeoutMs: number, since?: number): Promise<BaresipEvent>;
  stop(): Promise<void>;
}

export interface BaresipOptions {
  user: string;
  password: string;
  domain: string;
  /** the gateway's UDP port on 127.0.0.1 */
  proxyPort: number;
  displayName?: string;
  /** baresip codec names in preference order, e.g. ['PCMU', 'PCMA'] or ['opus'] */
  codecs?: string[];
  /** answer every call at once (benchmarks) */
  autoAnswer?: boolean;
}

function netstring(json: string): Buffer {
  return Buffer.from(`${Buffer.byteLength(json)}:${json},`);
}

export async function startBaresip(o: BaresipOptions): Promise<Baresip> {
  const binary = findBinary(['/usr/bin/baresip'], 'baresip-core');
  const dir = mkdtempSync(join(tmpdir(), 'oncall-baresip-'));
  // baresip binds SIP over TLS on the SIP port + 1 (1.0 has no setting to leave TLS out).
  const [sipPort, ctrlPort] = [await freePort(2), await freePort()];
  writeFileSync(
    join(dir, 'config'),
    [
      'poll_method epoll',
      `sip_listen 127.0.0.1:${sipPort}`,
      'net_interface 127.0.0.1',
      'audio_source ausine,440',
      // No sound card here: play into an unconnected bridge device.
      'audio_player aubridge,nowhere',
      'ausrc_srate 48000',
      'ausrc_channels 2',
      'module_path /usr/lib/baresip/modules',
      'module g711.so',
      'module opus.so',
      'module ausine.so',
      'module aubridge.so',
      'module_app account.so',
      'module_app menu.so',
      'module_app ctrl_tcp.so',
      `ctrl_tcp_listen 127.0.0.1:${ctrlPort}`,
      '',
    ].join('\n'),
  );
  const codecs = (o.codecs ?? ['PCMU', 'PCMA']).join(',');
  writeFileSync(
    join(dir, 'accounts'),
    `"${o.displayName ?? 'Desk phone'}" <sip:${o.user}@${o.domain}>;auth_pass=${o.password};outbound="sip:127.0.0.1:${o.proxyPort}";regint=600;audio_codecs=${codecs};answermode=${o.autoAnswer ? 'auto' : 'manual'}\n`,
  );
  const daemon: Daemon = startDaemon(binary, ['-f', dir]);
  try {
    await daemon.waitForLog(/baresip is ready/, 10_000);
  } catch (err) {
    await daemon.stop();
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }

  const socket: Socket = await new Promise((resolve, reject) => {
    const s = connect({ host: '127.0.0.1', port: ctrlPort }, () => resolve(s));
    s.once('error', reject);
  });
  const events: BaresipEvent[] = [];
  const pending = new Map<string, (data: string) => void>();
  const wake = new Set<() => void>();
  let buffer = Buffer.alloc(0);
  socket.on('data', (chunk) => {
    buffer = Buffer.concat([buffer, chunk]);
    for (;;) {
      const colon = buffer.indexOf(':');
      if (colon < 0) break;
      const len = Number(buffer.subarray(0, colon).toString());
      if (buffer.length < colon + 1 + len + 1) break;
      const msg = JSON.parse(buffer.subarray(colon + 1, colon + 1 + len).toString()) as Record<string, unknown>;
      buffer = buffer.subarray(colon + 1 + len + 1);
      if (msg.event) {
        events.push(msg as unknown as BaresipEvent);
        for (const w of wake) w();
      } else if (msg.response && typeof msg.token === 'string') {
        pending.get(msg.token)?.(String(msg.data ?? ''));
        pending.delete(msg.token);
      }
    }
  });
  let token = 0;

  const phone: Baresip = {
    user: o.user,
    logs: daemon.logs,
    events,
    command(command, params = '') {
      const t = String(++token);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`baresip: no answer to ${command}`)), 5_000);
        pending.set(t, (data) => {
          clearTimeout(timer);
          resolve(data);
        });
        socket.write(netstring(JSON.stringify({ command, params, token: t })));
      });
    },
    waitForEvent(type, timeoutMs, since = 0) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const hit = events.slice(since).find((e) => e.type === type);
          if (!hit) return;
          done();
          resolve(hit);
        };
        const timer = setTimeout(() => {
          done();
          reject(new Error(`baresip ${o.user}: no ${type} within ${timeoutMs} ms (events: ${events.slice(since).map((e) => e.type).join(', ')}; log: ${daemon.logs.slice(-6).join(' | ')})`));
        }, timeoutMs);
        const done = () => {
          clearTimeout(timer);
          wake.delete(check);
        };
        wake.add(check);
        check();
      });
    },
    async stop() {
      socket.destroy();
      await daemon.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  // The registration can complete before our control connection is up (a loaded machine), and
  // ctrl_tcp does not replay events: the log line says it too.
  const escaped = `${o.user}@${o.domain}`.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  await Promise.any([phone.waitForEvent('REGISTER_OK', 15_000), daemon.waitForLog(new RegExp(`${escaped}: .* 200 OK`), 15_000)]).catch(() => {
    throw new Error(`baresip ${o.user} did not register within 15 s: ${daemon.logs.slice(-6).join(' | ')}`);
  });
  return phone;
}
