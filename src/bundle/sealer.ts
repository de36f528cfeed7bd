/**
 * Sealing a plaintext stream into an age file, for large bundles on two threads: the main thread
 * produces the plaintext (reads and hashes the items, frames the tar), a worker
 * (payload-worker.ts) seals the payload STREAM and writes it. Items are read into a small pool of buffers that are handed to
 * the worker and come back, so memory stays at a few MiB and nothing is allocated per read.
 */
import type { FileHandle } from "node:fs/promises";
import { Worker } from "node:worker_threads";
import { beginAge } from "./age.js";
import { payloadCodec } from "./payload.js";
import type { FromWorker, ToWorker } from "./payload-worker.js";
import { writeFully } from "../practice/home.js";
import { packagePath } from "../package-root.js";

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

async function sealOnWorker(plaintext: AsyncIterable<Uint8Array>, recipients: readonly string[], output: FileHandle, pool: BufferPool): Promise<void> {
  const worker = new Worker(packagePath("dist", "cli-bundle", "payload-worker.js"));
  const post = (message: ToWorker, transfer: ArrayBuffer[] = []) => worker.postMessage(message, transfer);
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
  worker.on("message", (message: FromWorker) => {
    if (message.type === "free") pool.release(message.buffer);
    else if (message.type === "done") finish();
    else stop(Object.assign(new Error(message.message), message.code !== undefined ? { code: message.code } : {}));
  });
  worker.on("error", stop);
  worker.on("exit", (code) => stop(new Error(`the payload worker stopped early (exit code ${code})`)));
  try {
    const { prefix, key } = await beginAge(recipients);
    try {
      // Copied into the worker; this copy is wiped at once.
      post({ type: "start", key, fd: output.fd, position: prefix.length });
    } finally {
      key.fill(0);
    }
    await writeFully(output, prefix, 0);
    for await (const piece of plaintext) {
      if (pool.owns(piece)) {
        post({ type: "data", buffer: piece.buffer as ArrayBuffer, length: piece.byteLength, pooled: true }, [piece.buffer as ArrayBuffer]);
      } else {
        const copy = new Uint8Array(piece);
        post({ type: "data", buffer: copy.buffer, length: copy.byteLength, pooled: false }, [copy.buffer]);
      }
    }
    post({ type: "end" });
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
