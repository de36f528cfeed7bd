/**
 * The payload STREAM of large bundles on a second thread (payload-worker.ts). Sealing: the main
 * thread produces the plaintext (reads and hashes the items, frames the tar), the worker seals
 * and writes it; the items are read into a small pool of buffers that are handed to the worker
 * and come back, so memory stays at a few MiB and nothing is allocated per read. Opening: the
 * main thread reads and authenticates the bundle, the worker reads the tar and hashes each
 * entry, and hands back the entries, which the main thread checks and stages.
 */
import type { FileHandle } from "node:fs/promises";
import type { Worker } from "node:worker_threads";
import { beginAge, READ_CHUNK } from "./age.js";
import { ownBuffer, payloadCodec, runCodec } from "./payload.js";
import { EntryError, type EntryEvent } from "./entries.js";
import type { EntryTarget, FromWorker, ToWorker } from "./payload-worker.js";
import { writeFully } from "../practice/home.js";
import { takeWorker } from "./worker-spare.js";

export type { EntryTarget };

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

/** The worker (the prepared one, if it is still up), with `fail` called if it cannot start or stops before it is terminated. */
function startWorker(fail: (error: PayloadThreadError) => void): Worker {
  const worker = takeWorker();
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

/** The worker's error: a malformed tar as EntryError, anything else as PayloadThreadError with its code. */
function workerError(message: Extract<FromWorker, { type: "error" }>): Error {
  if (message.damaged === true) return new EntryError(message.message);
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

/** Plaintext sent to the worker and not yet taken by its tar reader: enough to keep both threads busy. */
const OPEN_AHEAD = 4 * READ_CHUNK;

/**
 * Open (decrypt and authenticate) a payload here and read the tar in it on the worker: yields
 * its entries (entries.ts) as they are read; ends with PayloadError on a damaged payload (as
 * soon as it is found, whatever the worker has still to report) or EntryError on a malformed
 * tar. Authenticated plaintext is handed to the worker as `node:crypto` made it (no copy), and
 * no more than OPEN_AHEAD of it is under way, so memory stays flat. Each piece of `sealed` is
 * used up before the next is asked for. `key` is wiped when the payload is done. However this
 * ends, the worker is stopped and `sealed` is closed.
 *
 * `placing`: after each entry event the caller says with `place` where that entry's data goes
 * (EntryTarget), before asking for the next event; the worker writes it there itself, and only
 * data sent "back" comes as data events. A file given as `{ fd }` may be closed once the entry's
 * end event came (or the iteration ended): the worker writes to it only in between.
 */
export function entriesOnWorker(
  sealed: AsyncIterable<Uint8Array>,
  key: Uint8Array,
  placing = false,
): AsyncGenerator<EntryEvent> & { place(target: EntryTarget): void } {
  let worker: Worker | undefined;
  /** An entry event was yielded (placing) and its target not yet given. */
  let unplaced = false;

  async function* events(): AsyncGenerator<EntryEvent> {
    const inbox: FromWorker[] = [];
    let failure: { error: unknown } | undefined;
    let wake: (() => void) | undefined;
    let unblock: (() => void) | undefined;
    const notify = () => {
      wake?.();
      wake = undefined;
    };
    const fail = (error: unknown) => {
      failure ??= { error };
      notify();
    };
    const started = startWorker(fail);
    worker = started;
    started.on("message", (message: FromWorker) => {
      inbox.push(message);
      notify();
    });
    started.postMessage({ type: "start", mode: "entries", placing } satisfies ToWorker);
    let ahead = 0;
    let stopped = false;
    const feeding = (async () => {
      // runCodec wipes the key and closes `sealed` however this ends.
      for await (const pieces of runCodec("open", key, sealed)) {
        const buffers = pieces.filter((piece) => piece.byteLength > 0).map(ownBuffer);
        if (buffers.length > 0) {
          for (const buffer of buffers) ahead += buffer.byteLength;
          started.postMessage({ type: "plaintext", pieces: buffers } satisfies ToWorker, buffers);
          while (ahead > OPEN_AHEAD && !stopped) await new Promise<void>((resolve) => (unblock = resolve));
        }
        if (stopped) return;
      }
      started.postMessage({ type: "end" } satisfies ToWorker);
    })();
    feeding.catch(fail);
    try {
      for (;;) {
        while (inbox.length === 0 && failure === undefined) await new Promise<void>((resolve) => (wake = resolve));
        const message = inbox.shift();
        if (message === undefined) throw failure!.error;
        if (message.type === "entries") {
          for (const event of message.events) {
            if (event.type === "data") yield { type: "data", pieces: event.pieces.map((piece) => Buffer.from(piece)) };
            else if (event.type === "entry" && placing) {
              unplaced = true;
              yield event;
              // The worker waits for the target: without it, this would wait forever.
              if (unplaced) throw new Error("entriesOnWorker: an entry was not placed");
            } else yield event;
          }
          // Taken and (by the caller) used up: the reader may go on.
          ahead -= message.read;
          unblock?.();
          unblock = undefined;
        } else if (message.type === "done") return;
        else if (message.type === "error") {
          // A damaged payload found here is the cause of whatever the tar reader made of it.
          if (failure !== undefined) throw failure.error;
          throw workerError(message);
        }
      }
    } finally {
      stopped = true;
      unplaced = false;
      unblock?.();
      // Stopped before anything else happens: after this, no file given to it is written.
      await started.terminate();
      // The reader stops at its next piece (or its wait above), and closes `sealed`.
      await feeding.catch(() => {});
    }
  }

  return Object.assign(events(), {
    place(target: EntryTarget): void {
      if (!unplaced || worker === undefined) throw new Error("entriesOnWorker: no entry is waiting for a target");
      unplaced = false;
      worker.postMessage({ type: "target", target } satisfies ToWorker);
    },
  });
}
