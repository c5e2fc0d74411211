/**
 * Debian's SIPp (sip-tester) as a carrier trunk for the interop rig: one scenario file from
 * test/phone/sipp/, one call, over UDP on loopback. Media is a generated G.711 tone streamed with
 * `rtp_stream` (a replayed pcap would repeat sequence numbers, which the browser's SRTP replay
 * protection drops). The scenario passing (exit 0) is the assertion: every response it expects
 * (200 to our BYE, 487 after CANCEL...) arrived in time.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findBinary } from './daemon';

export const SCENARIOS = join(import.meta.dirname, '..', 'phone', 'sipp');

export interface SippRun {
  code: number | null;
  output: string;
  /** the scenario's error log (-trace_err), when it wrote one */
  errors: string;
  /** the SIP messages it saw (-trace_msg) */
  messages: string;
}

export interface SippCall {
  /** resolves when the scenario ends */
  done: Promise<SippRun>;
  /** stops it by pid */
  stop(): void;
}

export function muLaw(sample: number): number {
  const BIAS = 0x84;
  const sign = sample < 0 ? 0x80 : 0;
  let s = Math.min(Math.abs(sample), 32635) + BIAS;
  let exponent = 7;
  for (let mask = 0x4000; (s & mask) === 0 && exponent > 0; mask >>= 1) exponent--;
  const mantissa = (s >> (exponent + 3)) & 0x0f;
  s = ~(sign | (exponent << 4) | mantissa) & 0xff;
  return s;
}

/** A mu-law WAV (8 kHz mono) of a tone: what rtp_stream plays as PCMU. */
export function toneWav(path: string, hz = 1000, seconds = 2): void {
  const n = 8000 * seconds;
  const data = Buffer.alloc(n);
  for (let i = 0; i < n; i++) data[i] = muLaw(Math.round(8000 * Math.sin((2 * Math.PI * hz * i) / 8000)));
  const header = Buffer.alloc(46);
  header.write('RIFF', 0);
  header.writeUInt32LE(38 + n, 4);
  header.write('WAVE', 8);
  header.write('fmt ', 12);
  header.writeUInt32LE(18, 16);
  header.writeUInt16LE(7, 20); // WAVE_FORMAT_MULAW
  header.writeUInt16LE(1, 22);
  header.writeUInt32LE(8000, 24);
  header.writeUInt32LE(8000, 28);
  header.writeUInt16LE(1, 32);
  header.writeUInt16LE(8, 34);
  header.writeUInt16LE(0, 36);
  header.write('data', 38);
  header.writeUInt32LE(n, 42);
  writeFileSync(path, Buffer.concat([header, data]));
}

export interface SippOptions {
  scenario: string;
  /** UAC scenarios: where to send (the gateway's UDP port); UAS scenarios: omit */
  remote?: string;
  /** our SIP port (UAS: the trunk port the gateway routes to) */
  port: number;
  mediaPort: number;
  /** -key values the scenario reads as [name] */
  keys?: Record<string, string>;
  /** -s: the request URI user for UAC scenarios */
  service?: string;
  /** -m: calls before the scenario ends (default 1) */
  calls?: number;
  /** -d: how long the scenario's <pause/> lasts */
  pauseMs?: number;
  timeoutS?: number;
}

export function runSipp(o: SippOptions): SippCall {
  const binary = findBinary(['/usr/bin/sipp'], 'sip-tester');
  const dir = mkdtempSync(join(tmpdir(), 'oncall-sipp-'));
  const tone = join(dir, 'tone.wav');
  toneWav(tone);
  const args = [
    ...(o.remote ? [o.remote] : []),
    '-sf', join(SCENARIOS, o.scenario),
    '-i', '127.0.0.1',
    '-p', String(o.port),
    '-mp', String(o.mediaPort),
    '-m', String(o.calls ?? 1),
    '-nostdin',
    '-timeout', `${o.timeoutS ?? 60}s`,
    '-timeout_error',
    '-trace_err', '-error_file', join(dir, 'errors.log'),
    '-trace_msg', '-message_file', join(dir, 'messages.log'),
    '-key', 'tone', tone,
    ...(o.service ? ['-s', o.service] : []),
    ...(o.pauseMs !== undefined ? ['-d', String(o.pauseMs)] : []),
    ...Object.entries(o.keys ?? {}).flatMap(([k, v]) => ['-key', k, v]),
  ];
  const child = spawn(binary, args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let output = '';
  child.stdout!.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (output += c.toString()));
  const read = (f: string) => (existsSync(join(dir, f)) ? readFileSync(join(dir, f), 'utf8') : '');
  const done = new Promise<SippRun>((resolve) => {
    child.once('exit', (code) => {
      const run = { code, output: output.slice(-3000), errors: read('errors.log'), messages: read('messages.log') };
      rmSync(dir, { recursive: true, force: true });
      resolve(run);
    });
  });
  return {
    done,
    stop() {
      try {
        if (child.pid) process.kill(-child.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    },
  };
}
