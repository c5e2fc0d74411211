/**
 * A TCP relay on 127.0.0.1 that a test can cut: the agent's SIP WebSocket goes through it, so
 * `cut()` drops that one agent's connection (and refuses new ones) while the gateway, the other
 * party and the media stay up: a Wi-Fi hiccup or a VPN coming up, as the phone sees it.
 * `restore()` accepts connections again on the same port.
 */
import { createServer, connect, type Server, type Socket } from 'node:net';
import { freePort } from '../../scripts/lib/free-port';

export interface TcpCut {
  port: number;
  url: string;
  cut(): Promise<void>;
  restore(): Promise<void>;
  close(): Promise<void>;
}

export async function startTcpCut(targetPort: number): Promise<TcpCut> {
  const port = await freePort();
  const sockets = new Set<Socket>();
  let server: Server | null = null;

  const listen = () =>
    new Promise<void>((resolve, reject) => {
      const s = createServer((client) => {
        const upstream = connect({ host: '127.0.0.1', port: targetPort });
        for (const sock of [client, upstream]) {
          sockets.add(sock);
          sock.on('close', () => sockets.delete(sock));
          sock.on('error', () => undefined);
        }
        client.pipe(upstream).pipe(client);
        client.on('close', () => upstream.destroy());
        upstream.on('close', () => client.destroy());
      });
      s.once('error', reject);
      s.listen(port, '127.0.0.1', () => resolve());
      server = s;
    });
  const closeServer = () =>
    new Promise<void>((resolve) => {
      const s = server;
      server = null;
      for (const sock of sockets) sock.destroy();
      if (!s) return resolve();
      s.close(() => resolve());
    });

  await listen();
  return {
    port,
    url: `ws://127.0.0.1:${port}`,
    cut: closeServer,
    async restore() {
      if (!server) await listen();
    },
    close: closeServer,
  };
}
