/**
 * One headset driving the phone: its button reports become phone commands (headset-policy.ts)
 * and the phone's state goes back to its lights. After every report the lights are sent again
 * even when nothing changed: a headset that toggles its own hook or mute state on a press flips
 * back unless the host answers with the state it really has (a press with no call does nothing).
 */
import type { PhoneState } from '../engine';
import { commandFor, lightsFor, type HeadsetEvent, type PhoneCommand } from './headset-policy';
import type { HIDDevice, HIDInputReportEvent } from './hid-types';
import { lightReports, readField, telephonyLayout, type Button, type Field, type TelephonyLayout } from './telephony-layout';

/** What the headset needs of the phone (the engine, plus dialling through the store). */
export interface PhonePort {
  readonly snapshot: PhoneState;
  subscribe(listener: (state: PhoneState) => void): () => void;
  answer(id: string): Promise<void>;
  hangup(id: string): Promise<void>;
  setMuted(id: string, muted: boolean): void;
  setHold(id: string, hold: boolean): Promise<void>;
  dial(number: string): Promise<unknown>;
}

/** The events a report carries, given each button's previous value. */
export function eventsFrom(layout: TelephonyLayout, reportId: number, data: DataView, previous: Map<Button, number>): HeadsetEvent[] {
  const events: HeadsetEvent[] = [];
  for (const [button, field] of Object.entries(layout.buttons) as [Button, Field][]) {
    if (field.reportId !== reportId) continue;
    const value = readField(data, field);
    const before = previous.get(button) ?? 0;
    previous.set(button, value);
    if (value === before) continue;
    const pressed = value !== 0 && before === 0;
    if (button === 'hookSwitch') {
      if (!field.relative) events.push({ kind: 'hook', offHook: value !== 0 });
      else if (pressed) events.push({ kind: 'hookToggle' });
    } else if (button === 'phoneMute') {
      if (!field.relative) events.push({ kind: 'mute', muted: value !== 0 });
      else if (pressed) events.push({ kind: 'muteToggle' });
    } else if (pressed) {
      events.push({ kind: button });
    }
  }
  return events;
}

export class HeadsetLink {
  private readonly layout: TelephonyLayout;
  private readonly previous = new Map<Button, number>();
  private readonly sent = new Map<number, string>();
  private readonly unsubscribe: () => void;
  private queue: Promise<unknown> = Promise.resolve();
  private closed = false;

  constructor(
    readonly device: HIDDevice,
    private readonly phone: PhonePort,
    private readonly onError: (message: string) => void,
  ) {
    this.layout = telephonyLayout(device.collections);
    device.addEventListener('inputreport', this.onInput);
    this.unsubscribe = phone.subscribe(() => this.syncLights(false));
    this.syncLights(true);
  }

  /** whether the device has anything we use (a hook switch or a light) */
  get useful(): boolean {
    return Object.keys(this.layout.buttons).length > 0 || Object.keys(this.layout.lights).length > 0;
  }

  private readonly onInput = (event: Event) => {
    const { reportId, data } = event as HIDInputReportEvent;
    const events = eventsFrom(this.layout, reportId, data, this.previous);
    // One report at a time, in order: a press and its release must not race each other.
    this.enqueue(async () => {
      for (const e of events) {
        const command = commandFor(e, this.phone.snapshot);
        if (command) await this.run(command);
      }
    });
    this.syncLights(true);
  };

  private async run(command: PhoneCommand): Promise<void> {
    try {
      if (command.kind === 'answer') await this.phone.answer(command.id);
      else if (command.kind === 'hangup') await this.phone.hangup(command.id);
      else if (command.kind === 'mute') this.phone.setMuted(command.id, command.muted);
      else if (command.kind === 'hold') await this.phone.setHold(command.id, command.hold);
      else await this.phone.dial(command.number);
    } catch (err) {
      this.onError(err instanceof Error ? err.message : String(err));
    }
  }

  /** Sends the lights for the phone's state now (only changed reports unless `force`). */
  syncLights(force: boolean): void {
    this.enqueue(async () => {
      const lights = lightsFor(this.phone.snapshot);
      for (const { reportId, data } of lightReports(this.layout, lights)) {
        const key = Array.from(data).join(',');
        if (!force && this.sent.get(reportId) === key) continue;
        this.sent.set(reportId, key);
        await this.device.sendReport(reportId, data);
      }
      // The host owns the hook state: a headset's hook switch follows the off-hook light we send
      // (a call answered with the mouse puts it off-hook), so its next report is read against
      // that. Only once the headset has the light (sendReport resolved): until then it still
      // reports the old hook state, and a button pressed meanwhile would read as the hook moving
      // (on-hook: the call just answered with the mouse hung up).
      const hook = this.layout.buttons.hookSwitch;
      if (hook && !hook.relative) this.previous.set('hookSwitch', lights.offHook ? 1 : 0);
    });
  }

  private enqueue(task: () => Promise<void>): void {
    if (this.closed) return;
    // A failed send (the headset was unplugged meanwhile) must not block the next one.
    this.queue = this.queue.then(task).catch((err: unknown) => {
      if (!this.closed) this.onError(`Headset: ${err instanceof Error ? err.message : String(err)}`);
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    this.device.removeEventListener('inputreport', this.onInput);
    this.unsubscribe();
    await this.device.close().catch(() => undefined);
  }
}
