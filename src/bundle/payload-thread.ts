/**
 * The payload STREAM of large bundles on a second thread (payload-worker.ts). Sealing: the main
 * thread produces the plaintext (reads and hashes the items, frames the tar), the worker seals
 * and writes it. Opening: the main thread reads the bundle and the worker hands back the
 * authenticated plaintext, which the main thread unpacks, hashes and stages. Input is read into
 * a small pool of buffers that are handed to the worker and come back, so memory stays at a few
 * MiB and nothing is allocated per read.
 */
import type { FileHandle } from "node:fs/promises";
import { Worker } from "node:worker_threads";
import { beginAge, READ_CHUNK } from "./age.js";
import { PayloadError, payloadCodec } from "./payload.js";
import type { FromWorker, ToWorker } from "./payload-worker.js";
import { writeFully } from "../practice/home.js";
import { packagePath } from "../package-root.js";

/**
 * Bundles (sealing: the items' total) from this size go through the worker; below, starting it
 * costs more than it saves (1-byte seal 0.52–0.63 s with it, 0.41–0.46 s without, here).
 */
export const WORKER_FROM_BYTES = 8 * 1024 * 1024;

/** A fixed set of equal buffers, lent out and given back; `acquire` waits while all are out. */
export class BufferPool {
  readonly #free: ArrayBuffer[] = [];
  readonly #waiting: { resolve: (buffer: ArrayBuffer) => void; reject: (error: unknown) => void }[] = [];
  /** Every buffer that belongs to the pool (a buffer that came back from a worker is a new object). */
  readonly #mine = new WeakSet<ArrayBuffer>();
  #failure: { error: unknown } | undefined;

  constructor(
    count: number,
    readonly size: number,
  ) {
    for (let i = 0; i < count; i++) this.release(new ArrayBuffer(size));
  }

  async acquire(): Promise<Buffer> {
    if (this.#failure !== undefined) throw this.#failure.error;
    const free = this.#free.pop();
    const buffer = free ?? (await new Promise<ArrayBuffer>((resolve, reject) => this.#waiting.push({ resolve, reject })));
    return Buffer.from(buffer);
  }

  release(buffer: ArrayBuffer): void {
    this.#mine.add(buffer);
    const waiter = this.#waiting.shift();
    if (waiter !== undefined) waiter.resolve(buffer);
    else this.#free.push(buffer);
  }

  /** Whether `piece` is (the start of) one of the pool's buffers. */
  owns(piece: Uint8Array): boolean {
    return piece.byteOffset === 0 && piece.buffer instanceof ArrayBuffer && this.#mine.has(piece.buffer);
  }

  /** No buffer will come back: every waiting and later `acquire` fails with `error`. */
  close(error: unknown): void {
    this.#failure ??= { error };
    for (const waiter of this.#waiting.splice(0)) waiter.reject(error);
  }
}

/**
 * Write the age file of `plaintext` for `recipients` into `output`, from its start. On a worker
 * thread unless `inThread` (for small plaintexts, where starting a thread costs more than it
 * saves). Pieces that are the pool's buffers go back to the pool once sealed. If either side
 * fails, the pool is closed, so a producer waiting for a buffer stops too; the worker's error
 * wins, as everything after it is a consequence.
 */
export async function sealToFile(
  plaintext: AsyncIterable<Uint8Array>,
  recipients: readonly string[],
  output: FileHandle,
  pool: BufferPool,
  { inThread = false }: { inThread?: boolean } = {},
): Promise<void> {
  return inThread ? sealHere(plaintext, recipients, output, pool) : sealOnWorker(plaintext, recipients, output, pool);
}

async function sealHere(plaintext: AsyncIterable<Uint8Array>, recipients: readonly string[], output: FileHandle, pool: BufferPool): Promise<void> {
  const { prefix, key } = await beginAge(recipients);
  try {
    const codec = payloadCodec("seal", key);
    await writeFully(output, prefix, 0);
    let position = prefix.length;
    const write = async (sealed: Uint8Array) => {
      await writeFully(output, sealed, position);
      position += sealed.byteLength;
    };
    for await (const piece of plaintext) {
      const sealed = codec.push(piece);
      if (pool.owns(piece)) pool.release(piece.buffer as ArrayBuffer);
      await write(sealed);
    }
    await write(codec.finish());
  } catch (error) {
    pool.close(error);
    throw error;
  } finally {
    key.fill(0);
  }
}

/**
 * The worker failed other than on a damaged payload: it could not start, stopped early, or
 * reported an error of its own (with the system's `code` of a failed write, if that was it).
 */
export class PayloadThreadError extends Error {
  override readonly name = "PayloadThreadError";
}

/** The worker, with `fail` called if it cannot start or stops before it is terminated. */
function startWorker(fail: (error: PayloadThreadError) => void): Worker {
  const worker = new Worker(packagePath("dist", "cli-bundle", "payload-worker.js"));
  worker.on("error", (error) => fail(new PayloadThreadError(error.message, { cause: error })));
  worker.on("exit", (code) => fail(new PayloadThreadError(`the payload worker stopped early (exit code ${code})`)));
  return worker;
}

/** Hand `piece` to the worker: one of the pool's buffers is transferred, anything else copied. */
function postPiece(worker: Worker, pool: BufferPool, piece: Uint8Array): void {
  const pooled = pool.owns(piece);
  const buffer = pooled ? (piece.buffer as ArrayBuffer) : new Uint8Array(piece).buffer;
  worker.postMessage({ type: "data", buffer, length: piece.byteLength, pooled } satisfies ToWorker, [buffer]);
}

/** The worker's error: a damaged payload as PayloadError with its released plaintext, anything else as PayloadThreadError with its code. */
function workerError(message: Extract<FromWorker, { type: "error" }>): Error {
  if (message.payload !== undefined) return new PayloadError(message.message, Buffer.from(message.payload.released));
  return Object.assign(new PayloadThreadError(message.message), message.code !== undefined ? { code: message.code } : {});
}

async function sealOnWorker(plaintext: AsyncIterable<Uint8Array>, recipients: readonly string[], output: FileHandle, pool: BufferPool): Promise<void> {
  let settled = false;
  let workerFailure: Error | undefined;
  let finish!: () => void;
  let stop!: (error: Error) => void;
  const outcome = new Promise<void>((resolve, reject) => {
    finish = () => {
      settled = true;
      resolve();
    };
    stop = (error) => {
      if (settled) return;
      settled = true;
      workerFailure = error;
      pool.close(error);
      reject(error);
    };
  });
  outcome.catch(() => {});
  const worker = startWorker(stop);
  worker.on("message", (message: FromWorker) => {
    if (message.type === "free") pool.release(message.buffer);
    else if (message.type === "done") finish();
    else if (message.type === "error") stop(workerError(message));
  });
  try {
    const { prefix, key } = await beginAge(recipients);
    try {
      // Copied into the worker; this copy is wiped at once.
      worker.postMessage({ type: "start", mode: "seal", key, output: { fd: output.fd, position: prefix.length } } satisfies ToWorker);
    } finally {
      key.fill(0);
    }
    await writeFully(output, prefix, 0);
    for await (const piece of plaintext) postPiece(worker, pool, piece);
    worker.postMessage({ type: "end" } satisfies ToWorker);
    await outcome;
  } catch (error) {
    // Whatever the main thread saw after the worker failed is a consequence of it.
    const cause = workerFailure ?? error;
    // The producer may be waiting for a buffer that is not coming back.
    pool.close(cause);
    throw cause;
  } finally {
    settled = true;
    await worker.terminate();
  }
}

/** Buffers for opening: pieces being decrypted and plaintext not yet taken. */
const OPEN_BUFFERS = 4;

/**
 * Open (decrypt and authenticate) a payload on the worker: yields the plaintext as it is
 * released; a damaged payload ends with PayloadError, after the plaintext authenticated before
 * it. The `sealed` pieces are copied into a pool of buffers of its own, gathered into whole
 * buffers (so a piece may be reused once the next is asked for); a buffer comes back once its
 * plaintext has been taken, so the pool
 * bounds what is under way. `key` is wiped once handed over. However this ends, the worker is
 * stopped.
 */
export async function* openOnWorker(sealed: AsyncIterable<Uint8Array>, key: Uint8Array): AsyncGenerator<Buffer> {
  const pool = new BufferPool(OPEN_BUFFERS, READ_CHUNK);
  const inbox: FromWorker[] = [];
  let failure: { error: unknown } | undefined;
  let wake: (() => void) | undefined;
  const notify = () => {
    wake?.();
    wake = undefined;
  };
  const fail = (error: unknown) => {
    failure ??= { error };
    notify();
  };
  const worker = startWorker(fail);
  worker.on("message", (message: FromWorker) => {
    inbox.push(message);
    notify();
  });
  let stopped = false;
  try {
    try {
      worker.postMessage({ type: "start", mode: "open", key } satisfies ToWorker);
    } finally {
      key.fill(0);
    }
    // Pieces are gathered into whole buffers (small pieces would cost a message each).
    const feeding = (async () => {
      let current: Buffer | undefined;
      let filled = 0;
      const flush = () => {
        if (current !== undefined && filled > 0) postPiece(worker, pool, current.subarray(0, filled));
        current = undefined;
        filled = 0;
      };
      for await (const piece of sealed) {
        for (let offset = 0; offset < piece.byteLength && !stopped; ) {
          current ??= await pool.acquire();
          const length = Math.min(current.length - filled, piece.byteLength - offset);
          current.set(piece.subarray(offset, offset + length), filled);
          filled += length;
          offset += length;
          if (filled === current.length) flush();
        }
        if (stopped) return;
      }
      flush();
      worker.postMessage({ type: "end" } satisfies ToWorker);
    })();
    feeding.catch(fail);
    for (;;) {
      while (inbox.length === 0 && failure === undefined) await new Promise<void>((resolve) => (wake = resolve));
      const message = inbox.shift();
      if (message === undefined) throw failure!.error;
      if (message.type === "output") {
        // One piece per message for the tar reader and the staging writes (each costs a round
        // of promises there): one copy here, measured cheaper than 16 pieces per MiB downstream.
        const plaintext = Buffer.concat(message.pieces.map((piece) => new Uint8Array(piece)));
        if (plaintext.length > 0) yield plaintext;
        if (message.input !== undefined) pool.release(message.input);
      } else if (message.type === "free") pool.release(message.buffer);
      else if (message.type === "done") return;
      else throw workerError(message);
    }
  } finally {
    stopped = true;
    // The feeder may be waiting for a buffer that is not coming back.
    pool.close(new Error("the payload was read"));
    await worker.terminate();
  }
}
