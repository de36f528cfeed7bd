/**
 * The payload worker's thread, started ahead of its job. A light module (no crypto, no tar): the
 * command table loads it before a large `seal`, `open` or `verify` loads its own modules, so
 * that the worker's start-up (a new isolate and its modules) overlaps the command's.
 */
import { stat } from "node:fs/promises";
import { Worker } from "node:worker_threads";
import { packagePath } from "../package-root.js";

/**
 * Bundles (sealing: the items' total) from this size go through the worker; below, starting it
 * costs more than it saves (1-byte seal 0.52–0.63 s with it, 0.41–0.46 s without, here).
 */
export const WORKER_FROM_BYTES = 8 * 1024 * 1024;

/** The sizes of `files` added up, as the file system reports them now (a file that cannot be read counts nothing: its command reports it). */
export async function totalSize(files: readonly string[]): Promise<number> {
  const sizes = await Promise.all(files.map((file) => stat(file).then((info) => info.size, () => 0)));
  return sizes.reduce((a, b) => a + b, 0);
}

/** Whether `files` together reach WORKER_FROM_BYTES. */
export async function reachesWorkerSize(files: readonly string[]): Promise<boolean> {
  return (await totalSize(files)) >= WORKER_FROM_BYTES;
}

const newWorker = () => new Worker(packagePath("dist", "cli-bundle", "payload-worker.js"));

/** A worker started ahead of its job (`prepareWorker`); `down` once it failed or stopped before being taken. */
let spare: { readonly worker: Worker; down: boolean } | undefined;

/**
 * Start the payload worker now, for a job that will need it (a large seal or open): its start-up
 * (30–110 ms here) then overlaps the caller's own (loading the command, unlocking the keyring,
 * reading the header) instead of holding up the payload. Until the job takes it, it does not
 * keep the process alive; if it fails meanwhile, the job starts another and reports that one's
 * failure.
 */
export function prepareWorker(): void {
  if (spare !== undefined) return;
  const prepared = { worker: newWorker(), down: false };
  prepared.worker.unref();
  prepared.worker.once("error", () => (prepared.down = true));
  prepared.worker.once("exit", () => (prepared.down = true));
  spare = prepared;
}

/** The prepared worker if it is still up, else a new one; kept alive (ref'd) from now on. */
export function takeWorker(): Worker {
  const prepared = spare;
  spare = undefined;
  const worker = prepared !== undefined && !prepared.down ? prepared.worker : newWorker();
  worker.ref();
  return worker;
}

/** Start the worker ahead if `files` are large enough to need it. */
export async function prepareWorkerFor(files: readonly string[]): Promise<void> {
  if (await reachesWorkerSize(files)) prepareWorker();
}
