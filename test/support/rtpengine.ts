/**
 * Debian's rtpengine (rtpengine-daemon) in userspace for the interop rig: no kernel module
 * (`--table=-1`), media on 127.0.0.1, the NG control protocol on a UDP port of ours. `query()` asks
 * it, over NG (bencode on UDP), how many packets each leg of a call sent: the plain phone's side of
 * "audio flows both ways".
 */
import { createSocket } from 'node:dgram';
import { randomBytes } from 'node:crypto';
import { freePort } from '../../scripts/lib/free-port';
import { findBinary, startDaemon, type Daemon } from './daemon';

export interface Rtpengine {
  ngPort: number;
  /** the UDP port range its media uses ("min:max", iptables style) */
  mediaPorts: string;
  logs: string[];
  /** the NG `query` for a call: packets each party (by SIP tag) sent into rtpengine */
  query(callId: string): Promise<CallMedia>;
  stop(): Promise<void>;
}

export interface LegMedia {
  tag: string;
  /** packets rtpengine received from this party */
  packets: number;
  /** the media address rtpengine last saw this party send from */
  endpoint: string | null;
}

export interface CallMedia {
  result: string;
  legs: LegMedia[];
}

type Bencode = string | number | Bencode[] | { [k: string]: Bencode };

export function bencode(value: Bencode): Buffer {
  if (typeof value === 'number') return Buffer.from(`i${Math.trunc(value)}e`);
  if (typeof value === 'string') return Buffer.concat([Buffer.from(`${Buffer.byteLength(value)}:`), Buffer.from(value)]);
  if (Array.isArray(value)) return Buffer.concat([Buffer.from('l'), ...value.map(bencode), Buffer.from('e')]);
  const keys = Object.keys(value).sort();
  return Buffer.concat([Buffer.from('d'), ...keys.flatMap((k) => [bencode(k), bencode(value[k]!)]), Buffer.from('e')]);
}

export function bdecode(buf: Buffer, at = 0): [Bencode, number] {
  const c = String.fromCharCode(buf[at]!);
  if (c === 'i') {
    const end = buf.indexOf('e', at);
    return [Number(buf.subarray(at + 1, end).toString()), end + 1];
  }
  if (c === 'l' || c === 'd') {
    const items: Bencode[] = [];
    let i = at + 1;
    while (buf[i] !== 0x65) {
      const [v, next] = bdecode(buf, i);
      items.push(v);
      i = next;
    }
    if (c === 'l') return [items, i + 1];
    const dict: Record<string, Bencode> = {};
    for (let k = 0; k < items.length; k += 2) dict[items[k] as string] = items[k + 1]!;
    return [dict, i + 1];
  }
  const colon = buf.indexOf(':', at);
  const len = Number(buf.subarray(at, colon).toString());
  return [buf.subarray(colon + 1, colon + 1 + len).toString('latin1'), colon + 1 + len];
}

async function ng(port: number, command: Record<string, Bencode>): Promise<Record<string, any>> {
  const socket = createSocket('udp4');
  const cookie = randomBytes(6).toString('hex');
  try {
    return await new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`rtpengine NG ${String(command.command)}: no answer`)), 5_000);
      socket.on('message', (msg) => {
        const space = msg.indexOf(' ');
        if (msg.subarray(0, space).toString() !== cookie) return;
        clearTimeout(timer);
        resolve(bdecode(msg, space + 1)[0] as Record<string, any>);
      });
      socket.send(Buffer.concat([Buffer.from(`${cookie} `), bencode(command)]), port, '127.0.0.1');
    });
  } finally {
    socket.close();
  }
}

export async function startRtpengine(): Promise<Rtpengine> {
  const binary = findBinary(['/usr/bin/rtpengine', '/usr/sbin/rtpengine'], 'rtpengine-daemon');
  const ngPort = await freePort();
  // A port range of its own: rigs in other namespaces never share one anyway, but two rigs in the
  // same namespace must not fight over media ports. 10000-17999: below both the kernel's
  // ephemeral ports and the ones freePort hands out (scripts/lib/free-port.ts).
  const base = 10_000 + (ngPort % 40) * 200;
  const daemon: Daemon = startDaemon(binary, [
    '--foreground',
    '--log-stderr',
    '--table=-1',
    '--interface=127.0.0.1',
    `--listen-ng=127.0.0.1:${ngPort}`,
    `--port-min=${base}`,
    `--port-max=${base + 199}`,
    '--log-level=5',
    '--delete-delay=0',
  ]);
  const until = Date.now() + 10_000;
  for (;;) {
    try {
      const pong = await ng(ngPort, { command: 'ping' });
      if (pong.result === 'pong') break;
    } catch (err) {
      if (!daemon.running() || Date.now() > until) {
        await daemon.stop();
        throw new Error(`rtpengine did not answer NG ping: ${String(err)}\n${daemon.logs.slice(-20).join('\n')}`);
      }
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    ngPort,
    mediaPorts: `${base}:${base + 199}`,
    logs: daemon.logs,
    async query(callId) {
      const res = await ng(ngPort, { command: 'query', 'call-id': callId });
      const legs: LegMedia[] = [];
      for (const [tag, info] of Object.entries((res.tags ?? {}) as Record<string, any>)) {
        let packets = 0;
        let endpoint: string | null = null;
        for (const media of info.medias ?? []) {
          for (const stream of media.streams ?? []) {
            packets += stream.stats?.packets ?? 0;
            if (stream.endpoint?.address) endpoint = `${stream.endpoint.address}:${stream.endpoint.port}`;
          }
        }
        legs.push({ tag, packets, endpoint });
      }
      return { result: String(res.result), legs };
    },
    stop: () => daemon.stop(),
  };
}
