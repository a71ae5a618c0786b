// How long waits for the GPU poll. Dawn's node binding polls for finished work by re-queuing a native callback with
// `setImmediate` for as long as a promise (mapAsync, onSubmittedWorkDone) is pending: a busy loop that keeps the JS
// thread at ~90% of a core. On lavapipe that core is taken from the threads that run the kernels, which made an
// MNIST CNN step 1.7x slower on 2 cores. After a short burst of immediate polls, Dawn's callbacks are moved to a
// 1 ms timer instead, so a long wait sleeps. Only Dawn's (native, anonymous) callbacks are moved: anything else that
// calls setImmediate keeps a real Immediate, which clearImmediate needs.

import { promisify } from 'node:util';

/** Immediate polls allowed per wait before backing off, in ms; WEBGPU_NN_POLL=spin keeps Dawn's busy loop. */
const SPIN_MS = 0.5;
/** A gap longer than this between polls means a new wait began. */
const NEW_WAIT_GAP_MS = 5;

let installed = false;

export function isDawnCallback(fn: unknown): boolean {
  return typeof fn === 'function' && fn.name === '' && Function.prototype.toString.call(fn).includes('[native code]');
}

type Scheduler = (fn: (...args: unknown[]) => void, ...args: unknown[]) => unknown;

/** A setImmediate that moves Dawn's polls to `later` once a wait has spun for SPIN_MS. Exported for its test. */
export function politeSetImmediate(immediate: Scheduler, later: Scheduler, now: () => number = () => performance.now()): Scheduler {
  let waitStart = 0;
  let lastPoll = -Infinity;
  return (fn, ...args) => {
    const t = now();
    if (t - lastPoll > NEW_WAIT_GAP_MS) waitStart = t;
    lastPoll = t;
    if (t - waitStart < SPIN_MS || !isDawnCallback(fn)) return immediate(fn, ...args);
    return later(fn, ...args);
  };
}

/** Installs the backed-off poll once per process (a no-op when WEBGPU_NN_POLL=spin). */
export function installPolitePolling(env: NodeJS.ProcessEnv = process.env): void {
  if (installed || env.WEBGPU_NN_POLL === 'spin') return;
  installed = true;
  const immediate = globalThis.setImmediate;
  const polite = politeSetImmediate(immediate as unknown as Scheduler, (fn, ...args) => setTimeout(fn, 1, ...args));
  // util.promisify(setImmediate) reads this property.
  Object.defineProperty(polite, promisify.custom, { value: (immediate as unknown as Record<symbol, unknown>)[promisify.custom] });
  globalThis.setImmediate = polite as unknown as typeof setImmediate;
}
