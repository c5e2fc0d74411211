/** The core's typed events (IPC_EVENTS): the shells forward them to the renderer. */
import type { CoreEventSource, IpcEvent, IpcPayload } from '../../src-shared/ipc/contract';

type Listener = (payload: never) => void;

export class CoreEvents implements CoreEventSource {
  private readonly listeners = new Map<IpcEvent, Set<Listener>>();

  on<E extends IpcEvent>(event: E, listener: (payload: IpcPayload<E>) => void): () => void {
    const set = this.listeners.get(event) ?? new Set<Listener>();
    set.add(listener as Listener);
    this.listeners.set(event, set);
    return () => set.delete(listener as Listener);
  }

  emit<E extends IpcEvent>(event: E, payload: IpcPayload<E>): void {
    for (const listener of this.listeners.get(event) ?? []) {
      try {
        (listener as (p: IpcPayload<E>) => void)(payload);
      } catch (err) {
        // One broken listener must not stop the others or the engine.
        console.error(`[core] listener of ${event} failed`, err);
      }
    }
  }
}
