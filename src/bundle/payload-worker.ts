/**
 * The second thread for large bundles (payload-thread.ts), so that the costly halves of the work
 * run side by side. Sealing: runs the payload STREAM (payload.ts) over the plaintext the main
 * thread sends and writes the sealed bytes straight to the bundle file. Opening: reads the tar
 * in the plaintext the main thread decrypted and hashes each entry (entries.ts), and sends the
 * entries back for the main thread to check and stage. Built as its own entry of the CLI bundle
 * (scripts/build-cli.js); the main thread finds it with `packagePath`.
 */
import { writevSync } from "node:fs";
import { parentPort } from "node:worker_threads";
import { ownBuffer, payloadCodec, type Codec } from "./payload.js";
import { EntryError, readEntries, type EntryEvent } from "./entries.js";
import { unwritten } from "../practice/home.js";

/**
 * Messages from the main thread: one start, then, sealing, any number of data and one end;
 * opening ("entries"), any number of plaintext and one end.
 */
export type ToWorker =
  /** The sealed bytes are written to `output.fd` from `output.position`. */
  | { readonly type: "start"; readonly mode: "seal"; readonly key: Uint8Array; readonly output: { readonly fd: number; readonly position: number } }
  | { readonly type: "start"; readonly mode: "entries" }
  /** Plaintext to seal; `buffer` is handed over (transferred); a pooled one comes back (`free`). */
  | { readonly type: "data"; readonly buffer: ArrayBuffer; readonly length: number; readonly pooled: boolean }
  /** Authenticated plaintext to read entries from, handed over. */
  | { readonly type: "plaintext"; readonly pieces: ArrayBuffer[] }
  | { readonly type: "end" };

/** An entry event as it crosses threads: data pieces as buffers of their own. */
export type WireEvent = Exclude<EntryEvent, { type: "data" }> | { readonly type: "data"; readonly pieces: ArrayBuffer[] };

export type FromWorker =
  | { readonly type: "free"; readonly buffer: ArrayBuffer }
  /** Entries read so far, in order; `read`: plaintext bytes taken by the tar reader since the last message. */
  | { readonly type: "entries"; readonly events: WireEvent[]; readonly read: number }
  | { readonly type: "done" }
  /** `damaged`: the plaintext is not a well-formed tar. */
  | { readonly type: "error"; readonly message: string; readonly code?: string; readonly damaged?: boolean };

/** Write all of `pieces` at `position`, however many writes it takes. */
function writeAt(fd: number, pieces: readonly Uint8Array[], position: number): void {
  let left = unwritten(pieces, 0);
  while (left.length > 0) {
    const written = writevSync(fd, left, position);
    position += written;
    left = unwritten(left, written);
  }
}

type Plaintext = Extract<ToWorker, { type: "plaintext" | "end" }>;

/**
 * Opening: read the entries of the plaintext as it arrives and send them back, one message per
 * plaintext message, with how much of it was taken (the main thread sends no more than a few
 * MiB ahead of that).
 */
class EntryReader {
  readonly #inputs: Plaintext[] = [];
  #wake: (() => void) | undefined;
  #events: WireEvent[] = [];
  #transfer: ArrayBuffer[] = [];
  #read = 0;

  constructor(private readonly port: NonNullable<typeof parentPort>) {}

  receive(input: Plaintext): void {
    this.#inputs.push(input);
    this.#wake?.();
    this.#wake = undefined;
  }

  async run(): Promise<void> {
    for await (const event of readEntries(this.#plaintext())) this.#add(event);
    this.#flush();
  }

  #add(event: EntryEvent): void {
    if (event.type !== "data") {
      this.#events.push(event);
      return;
    }
    // Each piece is handed back: a whole buffer without a copy, and nothing left here to collect.
    const pieces = event.pieces.map(ownBuffer);
    this.#transfer.push(...pieces);
    const last = this.#events.at(-1);
    if (last?.type === "data") last.pieces.push(...pieces);
    else this.#events.push({ type: "data", pieces });
  }

  #flush(): void {
    if (this.#events.length === 0 && this.#read === 0) return;
    this.port.postMessage({ type: "entries", events: this.#events, read: this.#read } satisfies FromWorker, this.#transfer);
    this.#events = [];
    this.#transfer = [];
    this.#read = 0;
  }

  async *#plaintext(): AsyncGenerator<Uint8Array> {
    for (;;) {
      // What was read from the previous message goes out before waiting for the next.
      this.#flush();
      while (this.#inputs.length === 0) await new Promise<void>((resolve) => (this.#wake = resolve));
      const input = this.#inputs.shift()!;
      if (input.type === "end") return;
      for (const piece of input.pieces) {
        this.#read += piece.byteLength;
        yield new Uint8Array(piece);
      }
    }
  }
}

if (parentPort !== null) {
  const port = parentPort;
  let codec: Codec | undefined;
  let reader: EntryReader | undefined;
  let key: Uint8Array | undefined;
  let output: { fd: number; position: number } | undefined;
  let failed = false;
  const fail = (error: unknown) => {
    if (failed) return;
    failed = true;
    key?.fill(0);
    const code = (error as NodeJS.ErrnoException).code;
    port.postMessage({
      type: "error",
      message: error instanceof Error ? error.message : String(error),
      ...(code !== undefined ? { code } : {}),
      ...(error instanceof EntryError ? { damaged: true } : {}),
    } satisfies FromWorker);
  };
  const done = () => {
    key?.fill(0);
    port.postMessage({ type: "done" } satisfies FromWorker);
  };
  /** Sealing: write what the codec released; a pooled `input` goes back first (the codec keeps no reference to it). */
  const write = (pieces: Buffer[], input?: ArrayBuffer) => {
    if (input !== undefined) port.postMessage({ type: "free", buffer: input } satisfies FromWorker, [input]);
    // Synchronous: this thread has nothing else to do meanwhile. (Writing on the main thread or
    // on libuv's pool measured slower on two cores.)
    writeAt(output!.fd, pieces, output!.position);
    for (const piece of pieces) output!.position += piece.byteLength;
  };
  port.on("message", (message: ToWorker) => {
    if (failed) return;
    try {
      if (message.type === "start" && message.mode === "entries") {
        reader = new EntryReader(port);
        reader.run().then(() => !failed && done(), fail);
      } else if (message.type === "start") {
        key = message.key;
        codec = payloadCodec("seal", key);
        output = { ...message.output };
      } else if (reader !== undefined) {
        if (message.type === "plaintext" || message.type === "end") reader.receive(message);
      } else if (message.type === "data") {
        write(codec!.pushPieces(new Uint8Array(message.buffer, 0, message.length)), message.pooled ? message.buffer : undefined);
      } else if (message.type === "end") {
        write([codec!.finish()]);
        done();
      }
    } catch (error) {
      fail(error);
    }
  });
}
