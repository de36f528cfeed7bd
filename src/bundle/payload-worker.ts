/**
 * The second thread for large bundles (payload-thread.ts), so that the costly halves of the work
 * run side by side. Sealing: runs the payload STREAM (payload.ts) over the plaintext the main
 * thread sends and writes the sealed bytes straight to the bundle file. Opening: reads the tar
 * in the plaintext the main thread decrypted and hashes each entry (entries.ts), and sends the
 * entries back for the main thread to check; when placing, it waits after each entry's header
 * for the main thread's word where its data goes (a staging file the main thread opened, back,
 * or nowhere) and writes it there itself. Built as its own entry of the CLI bundle
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
  /** `placing`: after each entry's header, wait for a "target" before going on. */
  | { readonly type: "start"; readonly mode: "entries"; readonly placing: boolean }
  /** Where the data of the entry just read goes (placing only). */
  | { readonly type: "target"; readonly target: EntryTarget }
  /** Plaintext to seal; `buffer` is handed over (transferred); a pooled one comes back (`free`). */
  | { readonly type: "data"; readonly buffer: ArrayBuffer; readonly length: number; readonly pooled: boolean }
  /** Authenticated plaintext to read entries from, handed over. */
  | { readonly type: "plaintext"; readonly pieces: ArrayBuffer[] }
  | { readonly type: "end" };

/**
 * Where an entry's data goes: written here to `fd` (a file the main thread opened for it and
 * closes after the entry's end), sent back as data events, or dropped (only its digest counts).
 */
export type EntryTarget = { readonly fd: number } | "back" | "drop";

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

/** Opening: the least an entry's data is written in at once, but for its end. */
const WRITE_BATCH = 1024 * 1024;

/**
 * Opening: read the entries of the plaintext as it arrives and send them back, one message per
 * plaintext message, with how much of it was taken (the main thread sends no more than a few
 * MiB ahead of that). When placing, each entry's header goes out at once and the reader waits
 * for its target: no byte of an entry is written before the main thread has checked its name,
 * type and size and opened its file.
 */
class EntryReader {
  readonly #inputs: Plaintext[] = [];
  #wake: (() => void) | undefined;
  #targets: EntryTarget[] = [];
  #targetWake: (() => void) | undefined;
  #events: WireEvent[] = [];
  #transfer: ArrayBuffer[] = [];
  #read = 0;

  constructor(
    private readonly port: NonNullable<typeof parentPort>,
    private readonly placing: boolean,
  ) {}

  receive(input: Plaintext): void {
    this.#inputs.push(input);
    this.#wake?.();
    this.#wake = undefined;
  }

  place(target: EntryTarget): void {
    this.#targets.push(target);
    this.#targetWake?.();
    this.#targetWake = undefined;
  }

  async run(): Promise<void> {
    let target: EntryTarget = "back";
    /** Data for `target.fd` not yet written, and where it goes. */
    let batch: Uint8Array[] = [];
    let batched = 0;
    let position = 0;
    const write = () => {
      if (batched === 0 || typeof target !== "object") return;
      // Synchronous, like sealing's writes: this thread has nothing else to do meanwhile.
      writeAt(target.fd, batch, position);
      position += batched;
      batch = [];
      batched = 0;
    };
    for await (const event of readEntries(this.#plaintext())) {
      if (event.type === "entry") {
        this.#events.push(event);
        if (!this.placing) continue;
        this.#flush();
        while (this.#targets.length === 0) await new Promise<void>((resolve) => (this.#targetWake = resolve));
        target = this.#targets.shift()!;
        position = 0;
      } else if (event.type === "end") {
        // Every byte is in the file before the main thread hears the end (and may close it).
        write();
        this.#events.push(event);
      } else if (target === "back") this.#back(event.pieces);
      else if (target !== "drop") {
        // The tar reader's pieces are small: one write per WRITE_BATCH (a write per piece made
        // opening no faster than handing the data back; docs/decisions/payload-thread.md).
        for (const piece of event.pieces) {
          batch.push(piece);
          batched += piece.byteLength;
        }
        if (batched >= WRITE_BATCH) write();
      }
    }
    this.#flush();
  }

  #back(data: readonly Uint8Array[]): void {
    // Each piece is handed back: a whole buffer without a copy, and nothing left here to collect.
    const pieces = data.map(ownBuffer);
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
        reader = new EntryReader(port, message.placing);
        reader.run().then(() => !failed && done(), fail);
      } else if (message.type === "target") {
        reader?.place(message.target);
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
