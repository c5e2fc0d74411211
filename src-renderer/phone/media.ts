/**
 * Where a call's sound goes and comes from. SIP.js never touches audio output: the remote stream
 * is played by an <audio> element of ours, routed to the chosen speaker with setSinkId; the
 * microphone is opened on the chosen input, falling back to the default one when that device is
 * gone (headset unplugged between sessions).
 */

/** '' is the browser's default device for both getUserMedia and setSinkId. */
export type DeviceId = string;

export async function routeToSink(el: HTMLMediaElement, sinkId: DeviceId): Promise<void> {
  // Older engines (and jsdom) have no setSinkId: they play on the default device.
  const sink = el as Partial<Pick<HTMLMediaElement, 'setSinkId'>> & HTMLMediaElement;
  if (typeof sink.setSinkId !== 'function') return;
  try {
    await sink.setSinkId(sinkId);
  } catch {
    // The device vanished between enumerate and here: the default output is better than silence.
    if (sinkId !== '') await sink.setSinkId('').catch(() => undefined);
  }
}

/** Plays one call's remote audio on the speaker device. */
export class CallAudio {
  readonly element: HTMLAudioElement;

  constructor(
    callId: string,
    private sinkId: DeviceId,
  ) {
    this.element = document.createElement('audio');
    this.element.autoplay = true;
    this.element.hidden = true;
    this.element.dataset.phoneCall = callId;
    document.body.appendChild(this.element);
  }

  attach(stream: MediaStream): void {
    if (this.element.srcObject !== stream) this.element.srcObject = stream;
    void routeToSink(this.element, this.sinkId).then(() => this.element.play().catch(() => undefined));
  }

  setSink(sinkId: DeviceId): void {
    this.sinkId = sinkId;
    void routeToSink(this.element, sinkId);
  }

  close(): void {
    this.element.pause();
    this.element.srcObject = null;
    this.element.remove();
  }
}

export async function openMicrophone(deviceId: DeviceId): Promise<MediaStream> {
  const audio = (id: DeviceId): MediaTrackConstraints => ({
    ...(id ? { deviceId: { exact: id } } : {}),
    echoCancellation: true,
    noiseSuppression: true,
    autoGainControl: true,
  });
  try {
    return await navigator.mediaDevices.getUserMedia({ audio: audio(deviceId), video: false });
  } catch (err) {
    if (!deviceId) throw err;
    return navigator.mediaDevices.getUserMedia({ audio: audio(''), video: false });
  }
}

/** Swaps the microphone under a live call without renegotiating (headset plugged in or out). */
export async function replaceMicrophone(pc: RTCPeerConnection, deviceId: DeviceId, muted: boolean): Promise<void> {
  const sender = pc.getSenders().find((s) => s.track?.kind === 'audio' || (s.track === null && s.dtmf));
  if (!sender) return;
  const stream = await openMicrophone(deviceId);
  const track = stream.getAudioTracks()[0];
  if (!track) return;
  track.enabled = !muted;
  const old = sender.track;
  await sender.replaceTrack(track);
  old?.stop();
}

/**
 * Hold stops our own RTP entirely (not just silence): the re-INVITE makes the other side stop
 * sending, this makes us stop too, so a held patient hears and costs nothing.
 */
export async function setSending(pc: RTCPeerConnection, sending: boolean): Promise<void> {
  for (const sender of pc.getSenders()) {
    if (sender.track?.kind !== 'audio') continue;
    const params = sender.getParameters();
    if (!params.encodings?.length) {
      sender.track.enabled = sending;
      continue;
    }
    for (const enc of params.encodings) enc.active = sending;
    await sender.setParameters(params).catch(() => {
      if (sender.track) sender.track.enabled = sending;
    });
  }
}

export function setMicEnabled(pc: RTCPeerConnection, enabled: boolean): void {
  for (const sender of pc.getSenders()) if (sender.track?.kind === 'audio') sender.track.enabled = enabled;
}
