/**
 * The second thread for the payload STREAM (payload-thread.ts): runs the codec (payload.ts) over
 * the bytes the main thread sends, while the main thread reads, hashes and writes. Sealing writes
 * its output straight to the bundle file; opening sends the plaintext back. Built as its own entry
 * of the CLI bundle (scripts/build-cli.js); the main thread finds it with `packagePath`.
 */
import { writevSync } from "node:fs";
import { parentPort } from "node:worker_threads";
import { PayloadError, payloadCodec, type CodecMode } from "./payload.js";

/** Messages from the main thread, in this order: one start, any number of data, one end. */
export type ToWorker =
  /** With `output`, the results are written to that file from that position, else sent back. */
  | { readonly type: "start"; readonly mode: CodecMode; readonly key: Uint8Array; readonly output?: { readonly fd: number; readonly position: number } }
  /** Input; `buffer` is handed over (transferred); a pooled one comes back (`free` or with its output). */
  | { readonly type: "data"; readonly buffer: ArrayBuffer; readonly length: number; readonly pooled: boolean }
  | { readonly type: "end" };

export type FromWorker =
  | { readonly type: "free"; readonly buffer: ArrayBuffer }
  /** Output, in order (when it is sent back), as the pieces it was made in; `input` is the pooled buffer it came from. */
  | { readonly type: "output"; readonly pieces: ArrayBuffer[]; readonly input?: ArrayBuffer }
  | { readonly type: "done" }
  /** `payload`: the payload is damaged (PayloadError), after `released` authenticated plaintext. */
  | { readonly type: "error"; readonly message: string; readonly code?: string; readonly payload?: { readonly released: ArrayBuffer } };

/** Write all of `pieces` at `position`, however many writes it takes. */
function writeAt(fd: number, pieces: readonly Uint8Array[], position: number): void {
  const left = pieces.filter((piece) => piece.byteLength > 0);
  while (left.length > 0) {
    let written = writevSync(fd, left, position);
    position += written;
    while (written > 0) {
      const first = left[0]!;
      if (written >= first.byteLength) {
        written -= first.byteLength;
        left.shift();
      } else {
        left[0] = first.subarray(written);
        written = 0;
      }
    }
  }
}

/** `bytes` as a buffer of its own, to hand over (a view of a larger buffer is copied). */
function own(bytes: Uint8Array): ArrayBuffer {
  const whole = bytes.byteOffset === 0 && bytes.buffer instanceof ArrayBuffer && bytes.byteLength === bytes.buffer.byteLength;
  return whole ? bytes.buffer : new Uint8Array(bytes).buffer;
}

if (parentPort !== null) {
  const port = parentPort;
  let codec: ReturnType<typeof payloadCodec> | undefined;
  let key: Uint8Array | undefined;
  let output: { fd: number; position: number } | undefined;
  let failed = false;
  /** Pass on what the codec released; `input` (a pooled buffer) goes back with it. */
  const emit = (pieces: Buffer[], input?: ArrayBuffer) => {
    if (output !== undefined) {
      // Writes are synchronous: this thread has nothing else to do meanwhile. (Writing on the
      // main thread or on libuv's pool measured slower on two cores.) The codec keeps no
      // reference to its input, so the buffer goes back before the write.
      if (input !== undefined) port.postMessage({ type: "free", buffer: input } satisfies FromWorker, [input]);
      writeAt(output.fd, pieces, output.position);
      for (const piece of pieces) output.position += piece.byteLength;
      return;
    }
    // Each piece is handed over as it is: no copy, and nothing is left here to collect.
    const owned = pieces.map(own);
    port.postMessage({ type: "output", pieces: owned, ...(input !== undefined ? { input } : {}) } satisfies FromWorker, input !== undefined ? [...owned, input] : owned);
  };
  port.on("message", (message: ToWorker) => {
    if (failed) return;
    try {
      if (message.type === "start") {
        key = message.key;
        codec = payloadCodec(message.mode, key);
        output = message.output === undefined ? undefined : { ...message.output };
      } else if (message.type === "data") {
        emit(codec!.pushPieces(new Uint8Array(message.buffer, 0, message.length)), message.pooled ? message.buffer : undefined);
      } else {
        emit([codec!.finish()]);
        key!.fill(0);
        port.postMessage({ type: "done" } satisfies FromWorker);
      }
    } catch (error) {
      failed = true;
      key?.fill(0);
      const code = (error as NodeJS.ErrnoException).code;
      const payload = error instanceof PayloadError ? { released: own(error.released) } : undefined;
      port.postMessage(
        { type: "error", message: error instanceof Error ? error.message : String(error), ...(code !== undefined ? { code } : {}), ...(payload !== undefined ? { payload } : {}) } satisfies FromWorker,
        payload !== undefined ? [payload.released] : [],
      );
    }
  });
}
