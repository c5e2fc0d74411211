/**
 * The ring tone, generated with WebAudio (no file to ship or license) and played through its own
 * <audio> element so it can go to a different device than the call audio: the desk speaker rings
 * while the headset stays quiet. Call waiting is a soft beep on the speaker (headset) device
 * instead, so the patient on the line is not drowned out and the room is not disturbed; so is the
 * ringback we play while a number we call rings without sending early media of its own.
 */
import { routeToSink, type DeviceId } from './media';
import type { RingKind } from './tones';

type Pattern = { freqs: number[]; bursts: Array<[number, number]>; period: number; gain: number };

// UK-style double ring: 0.4 s on, 0.2 s off, 0.4 s on, 2 s off (400 + 450 Hz).
const RING: Pattern = { freqs: [400, 450], bursts: [[0, 0.4], [0.6, 1.0]], period: 3, gain: 0.2 };
// Call waiting: one short 440 Hz beep every 5 s.
const WAITING: Pattern = { freqs: [440], bursts: [[0, 0.25]], period: 5, gain: 0.1 };
// Ringback (we are calling, the far end rings without sending media): 440 + 480 Hz, 2 s on, 4 s
// off, so it cannot be mistaken for our own phone ringing.
const RINGBACK: Pattern = { freqs: [440, 480], bursts: [[0, 2]], period: 6, gain: 0.1 };

const PATTERNS: Record<RingKind, Pattern> = { ring: RING, waiting: WAITING, ringback: RINGBACK };

export type { RingKind } from './tones';

export class Ringer {
  private ctx: AudioContext | null = null;
  private gain: GainNode | null = null;
  private oscillators: OscillatorNode[] = [];
  private timer: ReturnType<typeof setInterval> | null = null;
  private readonly element: HTMLAudioElement;
  private kind: RingKind | null = null;

  constructor(
    private ringerId: DeviceId,
    private speakerId: DeviceId,
  ) {
    this.element = document.createElement('audio');
    this.element.hidden = true;
    this.element.dataset.phoneRinger = 'true';
    document.body.appendChild(this.element);
  }

  get playing(): RingKind | null {
    return this.kind;
  }

  setDevices(ringerId: DeviceId, speakerId: DeviceId): void {
    this.ringerId = ringerId;
    this.speakerId = speakerId;
    if (this.kind) void routeToSink(this.element, this.kind === 'ring' ? ringerId : speakerId);
  }

  start(kind: RingKind): void {
    if (this.kind === kind) return;
    this.stop();
    this.kind = kind;
    const pattern = PATTERNS[kind];
    this.element.dataset.kind = kind;
    const ctx = new AudioContext();
    const destination = ctx.createMediaStreamDestination();
    const gain = ctx.createGain();
    gain.gain.value = 0;
    gain.connect(destination);
    this.oscillators = pattern.freqs.map((f) => {
      const osc = ctx.createOscillator();
      osc.frequency.value = f;
      osc.connect(gain);
      osc.start();
      return osc;
    });
    this.ctx = ctx;
    this.gain = gain;
    const schedule = () => {
      const t0 = ctx.currentTime + 0.05;
      for (const [on, off] of pattern.bursts) {
        gain.gain.setValueAtTime(pattern.gain, t0 + on);
        gain.gain.setValueAtTime(0, t0 + off);
      }
    };
    schedule();
    this.timer = setInterval(schedule, pattern.period * 1000);
    this.element.srcObject = destination.stream;
    void ctx.resume().catch(() => undefined);
    void routeToSink(this.element, kind === 'ring' ? this.ringerId : this.speakerId).then(() =>
      this.element.play().catch(() => undefined),
    );
  }

  stop(): void {
    this.kind = null;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    for (const osc of this.oscillators) osc.stop();
    this.oscillators = [];
    this.gain?.disconnect();
    this.gain = null;
    void this.ctx?.close().catch(() => undefined);
    this.ctx = null;
    this.element.pause();
    this.element.srcObject = null;
    delete this.element.dataset.kind;
  }

  dispose(): void {
    this.stop();
    this.element.remove();
  }
}
