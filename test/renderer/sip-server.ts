/**
 * A minimal SIP-over-WebSocket server for component tests ONLY: it accepts every REGISTER (so the
 * real PhoneEngine in jsdom reaches "registered"), answers what the phone sends, and can offer the
 * agent an inbound call (INVITE) and withdraw it (CANCEL). The end-to-end phone tests use
 * Kamailio (test/phone); jsdom has no WebRTC, so calls here never get past ringing.
 */
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { type WebSocket, WebSocketServer } from 'ws';

interface Parsed {
  startLine: string;
  headers: Map<string, string[]>;
}

function parse(text: string): Parsed {
  const [head = ''] = text.split('\r\n\r\n', 1);
  const [startLine = '', ...lines] = head.split('\r\n');
  const headers = new Map<string, string[]>();
  for (const line of lines) {
    const at = line.indexOf(':');
    if (at < 0) continue;
    const name = line.slice(0, at).trim().toLowerCase();
    headers.set(name, [...(headers.get(name) ?? []), line.slice(at + 1).trim()]);
  }
  return { startLine, headers };
}

const one = (m: Parsed, name: string) => m.headers.get(name)?.[0] ?? '';

export interface ReceivedRequest {
  method: string;
  callId: string;
}

export class FakeSipServer {
  readonly received: ReceivedRequest[] = [];
  /** status codes of the phone's answers, in order */
  readonly responses: number[] = [];
  private readonly wss: WebSocketServer;
  private socket: WebSocket | null = null;
  private contact = '';
  private offered: { callId: string; branch: string; from: string; to: string } | null = null;
  /** while set, REGISTERs wait unanswered (a phone still registering) */
  private heldRegisters: Parsed[] | null = null;

  private constructor(wss: WebSocketServer) {
    this.wss = wss;
    wss.on('connection', (socket) => {
      this.socket = socket;
      socket.on('message', (data) => this.onMessage(String(data)));
    });
  }

  static async start(): Promise<FakeSipServer> {
    const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, handleProtocols: () => 'sip' });
    await new Promise<void>((resolve) => wss.once('listening', () => resolve()));
    return new FakeSipServer(wss);
  }

  get url(): string {
    return `ws://127.0.0.1:${(this.wss.address() as AddressInfo).port}`;
  }

  /** Offers the registered agent a call from `number`; returns its SIP Call-ID. */
  ring(number: string): string {
    if (!this.socket || !this.contact) throw new Error('no phone registered');
    const callId = randomUUID();
    const branch = `z9hG4bK${randomUUID().slice(0, 8)}`;
    const from = `<sip:${number}@fake.invalid>;tag=${randomUUID().slice(0, 8)}`;
    const to = `<${this.contact}>`;
    this.offered = { callId, branch, from, to };
    const sdp = 'v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 9 RTP/AVP 0\r\n';
    this.send(
      [`INVITE ${this.contact} SIP/2.0`, `Via: SIP/2.0/WSS fake.invalid;branch=${branch}`, 'Max-Forwards: 70', `From: ${from}`, `To: ${to}`, `Call-ID: ${callId}`,
        'CSeq: 1 INVITE', `Contact: <sip:${number}@fake.invalid;transport=ws>`, 'Content-Type: application/sdp', `Content-Length: ${Buffer.byteLength(sdp)}`, '', sdp].join('\r\n'),
    );
    return callId;
  }

  /** The caller gives up before the agent answers. */
  cancel(): void {
    const o = this.offered;
    if (!o) return;
    this.send([`CANCEL ${this.contact} SIP/2.0`, `Via: SIP/2.0/WSS fake.invalid;branch=${o.branch}`, 'Max-Forwards: 70', `From: ${o.from}`, `To: ${o.to}`, `Call-ID: ${o.callId}`, 'CSeq: 1 CANCEL', 'Content-Length: 0', '', ''].join('\r\n'));
  }

  /** REGISTERs wait unanswered until releaseRegistrations(). */
  holdRegistrations(): void {
    this.heldRegisters ??= [];
  }

  releaseRegistrations(): void {
    const held = this.heldRegisters ?? [];
    this.heldRegisters = null;
    for (const m of held) this.answer(m, 'REGISTER');
  }

  async stop(): Promise<void> {
    for (const client of this.wss.clients) client.terminate();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
  }

  private send(text: string): void {
    this.socket?.send(text);
  }

  private onMessage(text: string): void {
    const m = parse(text);
    if (m.startLine.startsWith('SIP/2.0')) {
      // The phone's answers to our INVITE: ACK a final refusal, as a proxy would.
      const code = Number(m.startLine.split(' ')[1]);
      this.responses.push(code);
      if (code >= 300 && one(m, 'cseq').endsWith('INVITE') && this.offered) {
        const o = this.offered;
        this.send([`ACK ${this.contact} SIP/2.0`, `Via: SIP/2.0/WSS fake.invalid;branch=${o.branch}`, 'Max-Forwards: 70', `From: ${o.from}`, `To: ${one(m, 'to')}`, `Call-ID: ${o.callId}`, 'CSeq: 1 ACK', 'Content-Length: 0', '', ''].join('\r\n'));
      }
      return;
    }
    const method = m.startLine.split(' ', 1)[0]!;
    this.received.push({ method, callId: one(m, 'call-id') });
    if (method === 'ACK') return;
    if (method === 'REGISTER' && this.heldRegisters) {
      this.heldRegisters.push(m);
      return;
    }
    this.answer(m, method);
  }

  private answer(m: Parsed, method: string): void {
    if (method === 'REGISTER') this.contact = /<([^>]+)>/.exec(one(m, 'contact'))?.[1] ?? this.contact;
    // 100 Trying for an INVITE: the phone keeps "dialing" (nobody answers in a unit test).
    const status = method === 'INVITE' ? '100 Trying' : '200 OK';
    const to = one(m, 'to');
    const lines = [
      `SIP/2.0 ${status}`,
      ...(m.headers.get('via') ?? []).map((v) => `Via: ${v}`),
      `From: ${one(m, 'from')}`,
      `To: ${to}${to.includes(';tag=') || method === 'INVITE' ? '' : `;tag=${randomUUID().slice(0, 8)}`}`,
      `Call-ID: ${one(m, 'call-id')}`,
      `CSeq: ${one(m, 'cseq')}`,
      ...(method === 'REGISTER' && this.contact ? [`Contact: <${this.contact}>;expires=300`] : []),
      'Content-Length: 0',
      '',
      '',
    ];
    this.send(lines.join('\r\n'));
  }
}
