/**
 * The payload worker's thread, started ahead of its job. A light module (no crypto, no tar): the
 * command table loads it before a large `seal`, `open` or `verify` loads its own modules, so
 * that the worker's start-up (a new isolate and its modules) overlaps the command's. The fast
 * start of those commands starts it earlier still, before the CLI loads (worker-ahead.ts).
 */
import { stat } from "node:fs/promises";
import type * as WorkerThreads from "node:worker_threads";
import type { Worker } from "node:worker_threads";
import { packagePath } from "../package-root.js";
import { handedOver, prepared, WORKER_FROM_BYTES, type PreparedWorker } from "./worker-ahead.js";

export { WORKER_FROM_BYTES };

/** The sizes of `files` added up, as the file system reports them now (a file that cannot be read counts nothing: its command reports it). */
export async function totalSize(files: readonly string[]): Promise<number> {
  const sizes = await Promise.all(files.map((file) => stat(file).then((info) => info.size, () => 0)));
  return sizes.reduce((a, b) => a + b, 0);
}

/** Whether `files` together reach WORKER_FROM_BYTES. */
export async function reachesWorkerSize(files: readonly string[]): Promise<boolean> {
  return (await totalSize(files)) >= WORKER_FROM_BYTES;
}

// worker_threads is loaded only when a worker is made: small jobs never need it (about 1.5 ms).
const newWorker = (): Worker => {
  const threads: typeof WorkerThreads = process.getBuiltinModule("node:worker_threads");
  return new threads.Worker(packagePath("dist", "cli-bundle", "payload-worker.cjs"));
};

/** The worker started ahead of its job (`prepareWorker`). */
let spare: PreparedWorker | undefined;

/**
 * Start the payload worker now, for a job that will need it (a large seal or open): its start-up
 * (30–110 ms here) then overlaps the caller's own (loading the command, unlocking the keyring,
 * reading the header) instead of holding up the payload. Until the job takes it, it does not
 * keep the process alive; if it fails meanwhile, the job starts another and reports that one's
 * failure. A worker the fast start already made (worker-ahead.ts) is taken instead.
 */
export function prepareWorker(): void {
  spare ??= handedOver() ?? prepared(newWorker());
}

/** The prepared worker if it is still up, else a new one; kept alive (ref'd) from now on. */
export function takeWorker(): Worker {
  const ahead = spare ?? handedOver();
  spare = undefined;
  const worker = ahead !== undefined && !ahead.down ? ahead.worker : newWorker();
  worker.ref();
  return worker;
}

/** Start the worker ahead if `files` are large enough to need it. */
export async function prepareWorkerFor(files: readonly string[]): Promise<void> {
  if (await reachesWorkerSize(files)) prepareWorker();
}
