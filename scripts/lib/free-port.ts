/**
 * A port for a server process we start next (PostgreSQL, Kamailio, baresip, an API instance):
 * we can only name a free port and release it, and the process binds it a moment later.
 *
 * The port comes from below the kernel's ephemeral range. A port from that range, once
 * released, can be taken in the meantime by any outgoing connection on the machine (CI saw
 * baresip fail to bind its TLS port that way), while nothing takes a port below the range
 * unless asked for it by number. rtpengine's media ranges in the tests (test/support/rtpengine.ts)
 * sit below `FIRST` so the two never meet.
 */
import { createSocket } from 'node:dgram';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';

/** lowest port handed out; rtpengine's test media ranges use 10000-17999 */
export const FIRST = 18_000;
const handedOut = new Set<number>();

function ephemeralStart(): number {
  try {
    const low = Number(readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0]);
    return Number.isInteger(low) && low > FIRST + 1000 ? low : 32_768;
  } catch {
    return 32_768;
  }
}

function bindTcp(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen({ port, host: '127.0.0.1', exclusive: true }, () => server.close(() => resolve(true)));
  });
}

function bindUdp(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createSocket('udp4');
    socket.once('error', () => {
      socket.close();
      resolve(false);
    });
    socket.bind(port, '127.0.0.1', () => socket.close(() => resolve(true)));
  });
}

/**
 * A port free for TCP and UDP on 127.0.0.1, together with the `span - 1` ports after it
 * (baresip binds SIP over TLS on its SIP port + 1). Never the same port twice in one process.
 */
export async function freePort(span = 1): Promise<number> {
  const last = ephemeralStart() - span;
  for (let attempt = 0; attempt < 500; attempt++) {
    const port = FIRST + Math.floor(Math.random() * (last - FIRST));
    const ports = Array.from({ length: span }, (_, i) => port + i);
    if (ports.some((p) => handedOut.has(p))) continue;
    let free = true;
    for (const p of ports) free = free && (await bindTcp(p)) && (await bindUdp(p));
    if (!free) continue;
    for (const p of ports) handedOut.add(p);
    return port;
  }
  throw new Error(`no free port between ${FIRST} and ${last} after 500 tries`);
}
