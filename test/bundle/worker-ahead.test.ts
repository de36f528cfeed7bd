/**
 * The payload worker started ahead (src/bundle/worker-ahead.ts, src/bundle/worker-spare.ts, and
 * the fast start's `workerAhead`): it is started only when the files the arguments name are
 * large enough together to need it, it is the payload worker, a worker handed over by the fast
 * start is the one the job takes (a second one is stopped), and one that stopped before being
 * taken is replaced.
 */
import { mkdir, mkdtemp, rm, truncate, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { once } from "node:events";
import type { Worker } from "node:worker_threads";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { handOver, prepared, WORKER_FROM_BYTES } from "../../src/bundle/worker-ahead.js";
import { prepareWorker, takeWorker } from "../../src/bundle/worker-spare.js";
import { workerAhead } from "../../src/cli/fast-start.js";

let dir: string;
let large: string;
let small: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "nachklang-ahead-"));
  large = join(dir, "large.bin");
  small = join(dir, "small.bin");
  // Sparse: the size is what counts.
  await writeFile(large, "");
  await truncate(large, WORKER_FROM_BYTES);
  await writeFile(small, "");
  await truncate(small, WORKER_FROM_BYTES - 1);
  await mkdir(join(dir, "folder"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Whether `worker` is the payload worker: asked to read an empty tar, it says it is done. */
async function isPayloadWorker(worker: Worker): Promise<boolean> {
  const answer = once(worker, "message");
  worker.postMessage({ type: "start", mode: "entries", placing: false });
  worker.postMessage({ type: "end" });
  const [message] = (await answer) as [{ type: string }];
  return message.type === "done";
}

describe("workerAhead (the fast start)", () => {
  it("starts nothing for files below WORKER_FROM_BYTES together, folders, missing paths, options and their values", () => {
    expect(workerAhead(["seal", small, "--to", "k042"])).toBeUndefined();
    expect(workerAhead(["--home", dir, "open", join(dir, "folder")])).toBeUndefined();
    expect(workerAhead(["verify", join(dir, "missing.age"), "--identity", small])).toBeUndefined();
    expect(workerAhead([`--out=${large}`, "seal", small])).toBeUndefined();
    expect(workerAhead(["seal", "bad\0name"])).toBeUndefined();
    expect(workerAhead([])).toBeUndefined();
  });

  it("starts the payload worker when the files named come to WORKER_FROM_BYTES or more, as a seal's items count", async () => {
    const two = workerAhead(["seal", small, "--note", "x", small, "--to", "k042"]);
    expect(two).toBeDefined();
    await two!.worker.terminate();
  });

  it("starts the payload worker when any argument names a file of WORKER_FROM_BYTES or more, not keeping the process alive", async () => {
    const ahead = workerAhead(["--lang", "de", "seal", small, large, "--to", "k042"]);
    expect(ahead).toBeDefined();
    try {
      expect(ahead!.down).toBe(false);
      expect(await isPayloadWorker(ahead!.worker)).toBe(true);
    } finally {
      await ahead!.worker.terminate();
    }
    // Stopped before being taken: marked down, so a job would start another.
    await new Promise((resolve) => setImmediate(resolve));
    expect(ahead!.down).toBe(true);
  });
});

describe("handing the worker over (worker-spare)", () => {
  it("the job takes the worker handed over, whether or not the command table prepared one; a second one is stopped", async () => {
    const first = workerAhead(["open", large])!;
    const second = workerAhead(["open", large])!;
    const stopped = once(second.worker, "exit");
    handOver(first);
    handOver(second);
    await stopped;
    expect(second.down).toBe(true);
    prepareWorker();
    const taken = takeWorker();
    try {
      expect(taken).toBe(first.worker);
      expect(await isPayloadWorker(taken)).toBe(true);
    } finally {
      await taken.terminate();
    }
    // Without the command table's preparing, too.
    const third = workerAhead(["verify", large])!;
    handOver(third);
    const again = takeWorker();
    expect(again).toBe(third.worker);
    await again.terminate();
  });

  it("a worker handed over that stopped before the job is replaced by a new one", async () => {
    const gone = workerAhead(["seal", large])!;
    handOver(gone);
    await gone.worker.terminate();
    await new Promise((resolve) => setImmediate(resolve));
    const taken = takeWorker();
    try {
      expect(taken).not.toBe(gone.worker);
      expect(await isPayloadWorker(taken)).toBe(true);
    } finally {
      await taken.terminate();
    }
  });

  it("prepared() marks a worker down when it fails instead of throwing", async () => {
    const { Worker } = await import("node:worker_threads");
    const failing = prepared(new Worker("throw new Error('boom')", { eval: true }));
    // (events.once would reject on the error event; the exit follows it.)
    await new Promise((resolve) => failing.worker.once("exit", resolve));
    expect(failing.down).toBe(true);
  });
});
