/**
 * A real HTTP server on 127.0.0.1 standing in for a customer's webhook endpoint. It records every
 * request (raw body included, for signature checks) and can be told, per path, to fail the next
 * N requests or to hold requests unanswered (a receiver that hangs while the API dies).
 */
import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  /** the exact bytes received, as text: what the signature covers */
  rawBody: string;
  /** JSON.parse(rawBody), or undefined */
  body: any;
  /** the status this receiver answered (null while held) */
  answeredStatus: number | null;
  receivedAt: number;
}

export interface WebhookReceiver {
  /** base URL, e.g. http://127.0.0.1:40123 */
  url: string;
  requests: ReceivedRequest[];
  /** requests to one path (each test subscribes its own path) */
  at(path: string): ReceivedRequest[];
  /** answer the next `count` requests to `path` with `status` (default 500) */
  failNext(path: string, count: number, status?: number): void;
  /** leave requests to `path` unanswered until `release(path)` */
  hold(path: string): void;
  release(path: string): void;
  close(): Promise<void>;
}

export async function startWebhookReceiver(): Promise<WebhookReceiver> {
  const requests: ReceivedRequest[] = [];
  const failures = new Map<string, { count: number; status: number }>();
  const held = new Map<string, { res: ServerResponse; req: ReceivedRequest }[]>();

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const rawBody = Buffer.concat(chunks).toString('utf8');
      let body: unknown;
      try {
        body = JSON.parse(rawBody);
      } catch {
        body = undefined;
      }
      const path = (req.url ?? '/').split('?')[0]!;
      const record: ReceivedRequest = {
        method: req.method ?? '',
        path,
        headers: req.headers,
        rawBody,
        body,
        answeredStatus: null,
        receivedAt: Date.now(),
      };
      requests.push(record);

      const holding = held.get(path);
      if (holding) {
        holding.push({ res, req: record });
        return;
      }
      const fail = failures.get(path);
      let status = 200;
      if (fail && fail.count > 0) {
        fail.count--;
        status = fail.status;
      }
      record.answeredStatus = status;
      res.writeHead(status, { 'content-type': 'text/plain' }).end(status < 300 ? 'ok' : 'nope');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  const receiver: WebhookReceiver = {
    url: `http://127.0.0.1:${port}`,
    requests,
    at: (path) => requests.filter((r) => r.path === path),
    failNext(path, count, status = 500) {
      failures.set(path, { count, status });
    },
    hold(path) {
      held.set(path, []);
    },
    release(path) {
      const waiting = held.get(path) ?? [];
      held.delete(path);
      for (const { res, req } of waiting) {
        if (res.destroyed) continue; // the API hung up (or died) while we held it
        req.answeredStatus = 200;
        res.writeHead(200).end('ok');
      }
    },
    async close() {
      for (const path of [...held.keys()]) receiver.release(path);
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  return receiver;
}
