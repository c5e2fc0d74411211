/** A client of the sync event stream (Server-Sent Events) over fetch, as the desktop's main process reads it. */

export interface SseEvent {
  event: string;
  data: string;
  at: number;
}

export class EventStream {
  readonly events: SseEvent[] = [];
  readonly comments: string[] = [];
  ended = false;
  private readonly abort = new AbortController();
  private waiters: Array<() => void> = [];
  response!: Response;

  /** Opens `url` with a Bearer token and waits (up to `connectMs`) for the server's hello. */
  static async open(url: string, token: string, connectMs: number): Promise<EventStream> {
    const stream = new EventStream();
    stream.response = await fetch(url, {
      headers: { authorization: `Bearer ${token}`, accept: 'text/event-stream' },
      signal: stream.abort.signal,
    });
    void stream.read();
    await stream.until(() => stream.comments.includes('connected') || stream.ended, connectMs);
    return stream;
  }

  private async read() {
    const reader = this.response.body!.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = '';
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buffer += value;
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          this.parse(buffer.slice(0, end));
          buffer = buffer.slice(end + 2);
        }
      }
    } catch {
      // aborted by close()
    }
    this.ended = true;
    this.notify();
  }

  private parse(block: string) {
    let event = 'message';
    const data: string[] = [];
    for (const line of block.split('\n')) {
      if (line.startsWith(':')) this.comments.push(line.slice(1).trim());
      else if (line.startsWith('event:')) event = line.slice(6).trim();
      else if (line.startsWith('data:')) data.push(line.slice(5).trim());
    }
    if (data.length) this.events.push({ event, data: data.join('\n'), at: Date.now() });
    this.notify();
  }

  private notify() {
    for (const w of this.waiters.splice(0)) w();
  }

  pokes(): Array<{ cursor: number; at: number }> {
    return this.events.filter((e) => e.event === 'poke').map((e) => ({ ...JSON.parse(e.data), at: e.at }));
  }

  /** Resolves true once `condition` holds, false after `ms`. */
  async until(condition: () => boolean, ms: number): Promise<boolean> {
    const deadline = Date.now() + ms;
    while (!condition()) {
      const left = deadline - Date.now();
      if (left <= 0) return false;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    return true;
  }

  close() {
    this.abort.abort();
  }
}
