/**
 * The second thread of sealing (sealer.ts): runs the payload STREAM (payload.ts) over the
 * plaintext the main thread sends and writes the sealed chunks to the output file, while the main
 * thread reads and hashes the next items. Built as its own entry of the CLI bundle
 * (scripts/build-cli.js); the main thread finds it with `packagePath`.
 */
import { writeSync } from "node:fs";
import { parentPort } from "node:worker_threads";
import { payloadCodec } from "./payload.js";

/** Messages from the main thread, in this order: one start, any number of data, one end. */
export type ToWorker =
  | { readonly type: "start"; readonly key: Uint8Array; readonly fd: number; readonly position: number }
  /** Plaintext; `buffer` is handed over (transferred) and comes back in a `free` message. */
  | { readonly type: "data"; readonly buffer: ArrayBuffer; readonly length: number; readonly pooled: boolean }
  | { readonly type: "end" };

export type FromWorker =
  | { readonly type: "free"; readonly buffer: ArrayBuffer }
  | { readonly type: "done"; readonly position: number }
  | { readonly type: "error"; readonly message: string; readonly code?: string };

/** Write all of `data` at `position`, however many writes it takes. */
function writeAt(fd: number, data: Uint8Array, position: number): void {
  for (let offset = 0; offset < data.byteLength; ) offset += writeSync(fd, data, offset, data.byteLength - offset, position + offset);
}

if (parentPort !== null) {
  const port = parentPort;
  let codec: ReturnType<typeof payloadCodec> | undefined;
  let key: Uint8Array | undefined;
  let fd = -1;
  let position = 0;
  let failed = false;
  // Writes are synchronous: this thread has nothing else to do meanwhile, and the main thread
  // goes on reading and hashing. (Writes on libuv's pool measured slower on two cores.)
  const output = (sealed: Uint8Array) => {
    writeAt(fd, sealed, position);
    position += sealed.byteLength;
  };
  port.on("message", (message: ToWorker) => {
    if (failed) return;
    try {
      if (message.type === "start") {
        key = message.key;
        codec = payloadCodec("seal", key);
        fd = message.fd;
        position = message.position;
      } else if (message.type === "data") {
        const sealed = codec!.push(new Uint8Array(message.buffer, 0, message.length));
        // The codec keeps no reference to its input: the buffer goes back before the write.
        if (message.pooled) port.postMessage({ type: "free", buffer: message.buffer } satisfies FromWorker, [message.buffer]);
        output(sealed);
      } else {
        output(codec!.finish());
        key!.fill(0);
        port.postMessage({ type: "done", position } satisfies FromWorker);
      }
    } catch (error) {
      failed = true;
      key?.fill(0);
      const code = (error as NodeJS.ErrnoException).code;
      port.postMessage({ type: "error", message: error instanceof Error ? error.message : String(error), ...(code !== undefined ? { code } : {}) } satisfies FromWorker);
    }
  });
}
