/**
 * The source of a worker thread of the wasm backend: a Node worker_threads Worker evaluates it
 * (`new Worker(…, { eval: true })`), a browser's Web Worker loads it from a Blob URL, so that no
 * file path has to be resolved (it works from dist/, from TypeScript sources under a test runner,
 * and after bundling).
 *
 * Protocol, on an Int32Array over a SharedArrayBuffer: one slot of SLOT_INTS per worker,
 * [state, task, desc, (unused), chunks, ready], then a chunk counter shared by all threads. The
 * worker instantiates the module on the shared memory, sets `ready`, then loops: wait until its
 * state is RUN (posted), take the task by compare-exchanging RUN → BUSY, claim chunks from the
 * counter (Atomics.add) and run `tasks[task](desc, chunk, chunks)` until none is left, set state
 * DONE (or FAILED) and notify. The main thread claims chunks the same way, then takes back a
 * posted task that no worker started (RUN → IDLE): a descheduled worker costs nothing, and since
 * a chunk's work is fixed, results do not depend on who ran it.
 */

/** Int32 fields per worker slot. */
export const SLOT_INTS = 16;
/** Field indices within a worker's slot. */
export const STATE = 0;
export const TASK = 1;
export const DESC = 2;
export const CHUNKS = 4;
export const READY = 5;

/** Values of a slot's STATE field. */
export const IDLE = 0;
export const RUN = 1;
export const BUSY = 2;
export const DONE = 3;
export const FAILED = 4;

/**
 * How long an idle worker polls for its next task before it sleeps in Atomics.wait, in ms.
 * A training step posts work every few hundred microseconds with JS work in between; waking a
 * sleeping thread costs tens to hundreds of microseconds on a virtual machine, every time, so
 * workers poll through such gaps (as OpenMP's threads do) and sleep only when the caller has
 * stopped posting work.
 */
export const WORKER_SPIN_MS = 5;

/**
 * The body both kinds of worker run: `serve(data)` instantiates the kernels on the shared memory,
 * sets `ready`, and loops forever taking posted tasks (see the file comment). `data` is
 * `{ module, memory, control, counter, slot, tasks }`.
 */
const SERVE = `
function serve({ module, memory, control, counter, slot, tasks }) {
  const ctrl = new Int32Array(control);
  const base = slot * ${SLOT_INTS};
  const STATE = base + ${STATE};
  let fns;
  try {
    const instance = new WebAssembly.Instance(module, { env: { memory } });
    fns = tasks.map((name) => instance.exports[name]);
    Atomics.store(ctrl, base + ${READY}, 1);
  } catch (e) {
    Atomics.store(ctrl, base + ${READY}, -1);
    throw e;
  } finally {
    Atomics.notify(ctrl, base + ${READY});
  }
  for (;;) {
    const spinUntil = performance.now() + ${WORKER_SPIN_MS};
    let polls = 0;
    let s;
    while ((s = Atomics.load(ctrl, STATE)) !== ${RUN}) {
      if ((++polls & 255) === 0 && performance.now() > spinUntil) Atomics.wait(ctrl, STATE, s);
    }
    if (Atomics.compareExchange(ctrl, STATE, ${RUN}, ${BUSY}) !== ${RUN}) continue;
    let result = ${DONE};
    const fn = fns[ctrl[base + ${TASK}]];
    const desc = ctrl[base + ${DESC}];
    const chunks = ctrl[base + ${CHUNKS}];
    try {
      for (let c = Atomics.add(ctrl, counter, 1); c < chunks; c = Atomics.add(ctrl, counter, 1)) fn(desc, c, chunks);
    } catch (e) {
      result = ${FAILED};
      Atomics.store(ctrl, counter, chunks);
    }
    Atomics.store(ctrl, STATE, result);
    Atomics.notify(ctrl, STATE);
  }
}
`;

/** A Node worker's JavaScript (CommonJS, for `new Worker(NODE_WORKER_SOURCE, { eval: true, workerData })`). */
export const NODE_WORKER_SOURCE: string = `'use strict';
${SERVE}
serve(require('node:worker_threads').workerData);
`;

/** A Web Worker's JavaScript (a classic script, loaded from a Blob URL); its first message is the data. */
export const WEB_WORKER_SOURCE: string = `'use strict';
${SERVE}
self.onmessage = (event) => {
  self.onmessage = null;
  serve(event.data);
};
`;
