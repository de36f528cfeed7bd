/**
 * The payload worker started ahead of its job, as small as can be (nothing imported at run
 * time), so that the fast start (src/cli/fast-start.ts) can use it before anything else loads.
 * worker-spare.ts holds the rest (starting, taking).
 */
import type { Worker } from "node:worker_threads";

/**
 * Bundles (sealing: the items' total) from this size go through the worker; below, starting it
 * costs more than it saves (1-byte seal 0.52–0.63 s with it, 0.41–0.46 s without, here).
 */
export const WORKER_FROM_BYTES = 8 * 1024 * 1024;

/** A worker started ahead of its job; `down` once it failed or stopped before being taken. */
export interface PreparedWorker {
  readonly worker: Worker;
  down: boolean;
}

/** `worker`, just made, as a prepared one: it does not keep the process alive, and a failure marks it down instead of being thrown. */
export function prepared(worker: Worker): PreparedWorker {
  const state = { worker, down: false };
  worker.unref();
  worker.once("error", () => (state.down = true));
  worker.once("exit", () => (state.down = true));
  return state;
}

let handed: PreparedWorker | undefined;

/** A worker the fast start made before the CLI loaded, for worker-spare.ts to take instead of starting one. */
export function handOver(worker: PreparedWorker): void {
  if (handed === undefined) handed = worker;
  else void worker.worker.terminate();
}

/** The worker handed over, once. */
export function handedOver(): PreparedWorker | undefined {
  const worker = handed;
  handed = undefined;
  return worker;
}
