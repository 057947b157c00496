/** The page's side of the worker: typed messages out, listeners per message type in. */
import type { FromWorker, ToWorker } from './protocol.js';

type Listener<T extends FromWorker['type']> = (message: Extract<FromWorker, { type: T }>) => void;

/** The training worker, started from worker.ts as a module worker. */
export class WorkerClient {
  private readonly worker: Worker;
  private readonly listeners = new Map<string, ((message: FromWorker) => void)[]>();

  constructor() {
    this.worker = new Worker(new URL('./worker.ts', import.meta.url), { type: 'module', name: 'convnet-ts training' });
    this.worker.onmessage = (event: MessageEvent<FromWorker>) => {
      for (const listener of this.listeners.get(event.data.type) ?? []) listener(event.data);
    };
    this.worker.onerror = (event) => {
      const message: FromWorker = { type: 'error', context: 'worker', message: event.message || 'the worker failed to start' };
      for (const listener of this.listeners.get('error') ?? []) listener(message);
    };
  }

  /** Sends a message; `transfer` hands buffers over instead of copying them. */
  send(message: ToWorker, transfer: Transferable[] = []): void {
    this.worker.postMessage(message, transfer);
  }

  /** Calls `listener` for every message of `type`. */
  on<T extends FromWorker['type']>(type: T, listener: Listener<T>): void {
    const list = this.listeners.get(type) ?? [];
    list.push((message) => {
      if (message.type === type) listener(message as Extract<FromWorker, { type: T }>);
    });
    this.listeners.set(type, list);
  }
}
