/**
 * Stopping `convnet train` on SIGINT (Ctrl-C) or SIGTERM without losing work. While a
 * `StopSignals` is listening, neither signal kills the process: each is recorded, and the command
 * stops at the next point where it can (after the current batch; before training, if the data is
 * still loading) and exits 130. Loading, each batch and saving are synchronous, so a signal that
 * arrives during one of them is handled when it ends: a save always finishes.
 */

/** The signals that ask `convnet train` to stop. */
const STOP_SIGNALS = ['SIGINT', 'SIGTERM'] as const;

/** Exit status of a command stopped by SIGINT or SIGTERM (128 + SIGINT's number, as shells report Ctrl-C). */
export const EXIT_INTERRUPTED = 130;

/**
 * Records SIGINT and SIGTERM while listening; `onSignal` says what will happen (the first, and
 * again). Once `finish` is called a signal ends the process at once, with `EXIT_INTERRUPTED`.
 */
export class StopSignals {
  /** The signals received, in order. */
  readonly received: NodeJS.Signals[] = [];
  private finished = false;
  private readonly handler = (signal: NodeJS.Signals): void => {
    if (this.finished) process.exit(EXIT_INTERRUPTED);
    this.received.push(signal);
    this.onSignal(signal, this.received.length);
  };

  /** `onSignal(signal, count)` is called for each signal; `count` is 1 for the first. */
  constructor(private readonly onSignal: (signal: NodeJS.Signals, count: number) => void) {}

  /** Starts listening: from now on SIGINT and SIGTERM no longer kill the process. */
  listen(): this {
    for (const s of STOP_SIGNALS) process.on(s, this.handler);
    return this;
  }

  /**
   * The command is done with its files: from now on a signal ends the process at once (exit
   * `EXIT_INTERRUPTED`), as it would without a listener but with that status. The listeners stay,
   * so that a signal sent while the process exits (a second Ctrl-C) cannot kill it with another status.
   */
  finish(): void {
    this.finished = true;
  }

  /** Whether a stop was asked for. */
  get stopRequested(): boolean {
    return this.received.length > 0;
  }

  /**
   * Resolves once the signals that arrived during synchronous work have been handled: a timer and
   * then an immediate let the event loop poll for them (a single immediate, measured, may not).
   */
  async settle(): Promise<void> {
    await new Promise((resolve) => setTimeout(resolve, 0));
    await new Promise((resolve) => setImmediate(resolve));
  }
}

/**
 * For the tests only: when the environment variable `name` (`CONVNET_TEST_DELAY_LOAD_MS`,
 * `CONVNET_TEST_DELAY_SAVE_MS`, `CONVNET_TEST_DELAY_BATCH_MS`) holds a number of milliseconds, says so on stderr (the marker a
 * test waits for before it sends a signal) and blocks for that long, as the synchronous load or save
 * it stands beside would. Nothing happens when the variable is unset.
 */
export function testDelay(name: string, what: string): void {
  const ms = Number(process.env[name] ?? '0');
  if (!(ms > 0)) return;
  process.stderr.write(`convnet: test: ${what} (held for ${ms} ms by ${name})\n`);
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}
