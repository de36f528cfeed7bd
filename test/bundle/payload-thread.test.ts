/**
 * The payload on a second thread (src/bundle/payload-thread.ts with the built payload worker).
 * Sealing: the file is a valid age file of exactly the plaintext whatever the piece sizes and
 * whichever pieces are the pool's; the pool bounds what is under way; a failing write and a
 * failing producer each end the whole job with their own error, and nobody waits forever.
 * Opening: the worker reads the tar exactly as this thread does (the same entries, bytes and
 * digests) whatever the piece sizes; a damaged payload and a malformed tar end it with their own
 * errors; a reader that stops early stops the worker and closes the input. (Every CCTV vector's
 * outcome through this path: age-cctv.test.ts.)
 */
import { randomBytes } from "node:crypto";
import { mkdtemp, open, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import tar from "tar-stream";
import { beginAge, decryptAge, decryptHeader, encryptAge } from "../../src/bundle/age.js";
import { EntryError, readEntries, type EntryEvent } from "../../src/bundle/entries.js";
import { openBundle } from "../../src/bundle/open.js";
import { BufferPool, entriesOnWorker, PayloadThreadError, sealToFile } from "../../src/bundle/payload-thread.js";
import { PayloadError } from "../../src/bundle/payload.js";
import { reachesWorkerSize, WORKER_FROM_BYTES } from "../../src/bundle/worker-spare.js";
import { collect, encryptBytes, newPractice, seal, type TestPractice } from "./keys.js";

let dir: string;
let practice: TestPractice;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "nachklang-sealer-"));
  practice = await newPractice();
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Pieces of `data`: where `pooled` says so, copied into a buffer from the pool (as reads are). */
async function* piecesOf(data: Buffer, sizes: readonly number[], pooled: readonly boolean[], pool: BufferPool): AsyncGenerator<Uint8Array> {
  let offset = 0;
  for (let i = 0; offset < data.length; i++) {
    const size = Math.min(sizes[i % sizes.length]!, pool.size, data.length - offset);
    if (pooled[i % pooled.length]) {
      const buffer = await pool.acquire();
      data.copy(buffer, 0, offset, offset + size);
      yield buffer.subarray(0, size);
    } else {
      yield Buffer.from(data.subarray(offset, offset + size));
    }
    offset += size;
  }
}

describe("reachesWorkerSize", () => {
  it("adds up the files' sizes against WORKER_FROM_BYTES, counting a file it cannot read as nothing", async () => {
    const half = join(dir, "half.bin");
    await writeFile(half, Buffer.alloc(WORKER_FROM_BYTES / 2));
    expect(await reachesWorkerSize([half])).toBe(false);
    expect(await reachesWorkerSize([half, half])).toBe(true);
    expect(await reachesWorkerSize([half, join(dir, "missing.bin")])).toBe(false);
    expect(await reachesWorkerSize([])).toBe(false);
  });
});

describe("BufferPool", () => {
  it("lends each buffer once, waits while all are out, and fails waiters when closed", async () => {
    const pool = new BufferPool(2, 16);
    const a = await pool.acquire();
    const b = await pool.acquire();
    expect(a.buffer).not.toBe(b.buffer);
    expect(pool.owns(a.subarray(0, 3))).toBe(true);
    expect(pool.owns(a.subarray(1))).toBe(false);
    expect(pool.owns(Buffer.alloc(16))).toBe(false);
    let third: Buffer | undefined;
    const waiting = pool.acquire().then((buffer) => (third = buffer));
    await new Promise((resolve) => setImmediate(resolve));
    expect(third).toBeUndefined();
    pool.release(a.buffer as ArrayBuffer);
    await waiting;
    expect(third!.buffer).toBe(a.buffer);
    const stuck = pool.acquire();
    pool.close(new Error("gone"));
    await expect(stuck).rejects.toThrow("gone");
    await expect(pool.acquire()).rejects.toThrow("gone");
  });
});

describe("beginAge", () => {
  it("makes the payload key a buffer of its own, so that wiping it wipes it and the worker is sent nothing else", async () => {
    // Buffer.from(bytes) would put small keys into Node's shared 8 KiB pool; a worker is then
    // sent the whole pool, whatever else is in it.
    const keys = await Promise.all([1, 2, 3].map(() => beginAge([practice.recipient])));
    for (const { key } of keys) {
      expect(key.byteLength).toBe(32);
      expect(key.buffer.byteLength).toBe(32);
    }
    expect(new Set(keys.map(({ key }) => key.toString("hex"))).size).toBe(3);
  });
});

describe("sealToFile", () => {
  it.each([false, true])("writes an age file of exactly the plaintext, whatever the pieces (in thread: %s)", async (inThread) => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: 600_000 }),
        fc.array(fc.integer({ min: 1, max: 200_000 }), { minLength: 1, maxLength: 5 }),
        fc.array(fc.boolean(), { minLength: 1, maxLength: 4 }),
        async (length, sizes, pooled) => {
          const data = randomBytes(length);
          const pool = new BufferPool(3, 150_000);
          const path = join(dir, "out.age");
          const output = await open(path, "w");
          try {
            await sealToFile(piecesOf(data, sizes, pooled, pool), [practice.recipient], output, pool, { inThread });
          } finally {
            await output.close();
          }
          const opened = await collect(await decryptAge(Readable.from([await readFile(path)]), { identities: [practice.identity] }));
          expect(opened.equals(data)).toBe(true);
        },
      ),
      { numRuns: 25 },
    );
  });

  it("fails with the write's error when the disk is full, and stops the producer", async () => {
    const pool = new BufferPool(2, 65_536);
    const real = await open(join(dir, "prefix.age"), "w");
    const full = await open("/dev/full", "w");
    // The header goes to a real file; the worker's writes hit a full device.
    const output = { fd: full.fd, write: real.write.bind(real) } as unknown as typeof real;
    let produced = 0;
    async function* endless(): AsyncGenerator<Uint8Array> {
      for (;;) {
        const buffer = await pool.acquire();
        produced++;
        yield buffer;
      }
    }
    try {
      await expect(sealToFile(endless(), [practice.recipient], output, pool)).rejects.toMatchObject({ code: "ENOSPC" });
      await expect(pool.acquire()).rejects.toMatchObject({ code: "ENOSPC" });
      expect(produced).toBeLessThan(10);
    } finally {
      await full.close();
      await real.close();
    }
  });

  it.each([false, true])("fails with the producer's error and ends the worker (in thread: %s)", async (inThread) => {
    const pool = new BufferPool(2, 65_536);
    const output = await open(join(dir, "broken.age"), "w");
    async function* broken(): AsyncGenerator<Uint8Array> {
      yield await pool.acquire();
      throw new Error("input went away");
    }
    try {
      await expect(sealToFile(broken(), [practice.recipient], output, pool, { inThread })).rejects.toThrow("input went away");
    } finally {
      await output.close();
    }
  });
});

describe("sealBundle with many items", () => {
  // Each item ends with a read that finds nothing; its buffer must go back to the pool, or the
  // pool (eight buffers) runs dry after eight items and sealing waits forever.
  it.each([
    ["in this thread", 20, 1000],
    ["on the worker", 12, 1_100_000],
  ])("seals more items than the pool has buffers (%s)", async (_how, count, size) => {
    const files = Array.from({ length: count }, (_, i) => ({ path: join(dir, `many-${size}-${i}.bin`), data: randomBytes(size) }));
    for (const f of files) await writeFile(f.path, f.data);
    const sealed = await seal(
      practice,
      files.map((f) => ({ file: f.path, kind: "file" as const, mime: "application/octet-stream" })),
      join(dir, `sealed-many-${size}`),
    );
    const opened = await openBundle(sealed.path, join(dir, `opened-many-${size}`), { keys: { identities: [practice.identity] }, signer: practice.signing });
    expect(opened.items).toHaveLength(count);
    for (const [i, { file }] of opened.items.entries()) expect((await readFile(file)).equals(files[i]!.data)).toBe(true);
  }, 30_000);
});

describe("sealBundle above the worker threshold", () => {
  it("seals several large and small items on the worker, and they open byte for byte", async () => {
    // 9 MiB + 3 MiB + 1 byte: the total crosses 8 MiB, and pieces straddle the items.
    const sizes = [9 * 1024 * 1024 + 17, 3 * 1024 * 1024, 1];
    const files = sizes.map((size, i) => ({ path: join(dir, `big-${i}.bin`), data: randomBytes(size) }));
    for (const f of files) await writeFile(f.path, f.data);
    const sealed = await seal(
      practice,
      files.map((f) => ({ file: f.path, kind: "file" as const, mime: "application/octet-stream" })),
      join(dir, "sealed"),
    );
    const opened = await openBundle(sealed.path, join(dir, "opened"), { keys: { identities: [practice.identity] }, signer: practice.signing });
    expect(opened.items).toHaveLength(files.length);
    for (const [i, { file }] of opened.items.entries()) expect((await readFile(file)).equals(files[i]!.data)).toBe(true);
  });
});

/** `data` in pieces of the given sizes (cycled). */
function split(data: Buffer, sizes: readonly number[]): Buffer[] {
  const pieces: Buffer[] = [];
  for (let offset = 0, i = 0; offset < data.length; i++) {
    const size = sizes[i % sizes.length]!;
    pieces.push(data.subarray(offset, offset + size));
    offset += size;
  }
  return pieces;
}

/** A tar of the given entries, as tar-stream writes it. */
async function tarOf(entries: readonly { name: string; data: Buffer }[]): Promise<Buffer> {
  const pack = tar.pack();
  const bytes = collect(pack as unknown as AsyncIterable<Uint8Array>);
  for (const e of entries) {
    await new Promise<void>((resolve, reject) => pack.entry({ name: e.name, size: e.data.length }, e.data, (error) => (error ? reject(error) : resolve())));
  }
  pack.finalize();
  return bytes;
}

/** Events with each entry's data joined, comparable whatever the pieces were. */
async function summary(events: AsyncIterable<EntryEvent>): Promise<unknown[]> {
  const out: unknown[] = [];
  let data: Buffer[] = [];
  for await (const event of events) {
    if (event.type === "data") data.push(...event.pieces);
    else if (event.type === "entry") out.push(event);
    else {
      out.push({ ...event, data: Buffer.concat(data).toString("hex") });
      data = [];
    }
  }
  return out;
}

/** The payload of `sealed` opened here and read on the worker. */
async function* onWorker(sealed: Buffer, sizes: readonly number[]): AsyncGenerator<EntryEvent> {
  const { key, payload } = await decryptHeader(Readable.from(split(sealed, sizes)), { identities: [practice.identity] });
  yield* entriesOnWorker(payload, key);
}

describe("entriesOnWorker, placing (as openBundle uses it)", () => {
  type Choice = "file" | "back" | "drop";

  /** Reads `sealed` on the worker, placing entry i as `choices[i]`; returns what came back and what the files hold. */
  async function placed(sealed: Buffer, sizes: readonly number[], choices: readonly Choice[], work: string) {
    const { key, payload } = await decryptHeader(Readable.from(split(sealed, sizes)), { identities: [practice.identity] });
    const events = entriesOnWorker(payload, key, true);
    const out: unknown[] = [];
    let back: Buffer[] = [];
    let file: Awaited<ReturnType<typeof open>> | undefined;
    let i = 0;
    for await (const event of events) {
      if (event.type === "entry") {
        out.push(event);
        const choice = choices[i % choices.length]!;
        if (choice === "file") {
          file = await open(join(work, `${i}.bin`), "wx", 0o600);
          events.place({ fd: file.fd });
        } else events.place(choice);
        i++;
      } else if (event.type === "data") back.push(...event.pieces);
      else {
        // The worker wrote everything before it reported the end: the file may be closed now.
        await file?.close();
        file = undefined;
        out.push({ ...event, back: Buffer.concat(back).toString("hex") });
        back = [];
      }
    }
    return out;
  }

  it("writes each entry to its file, sends back or drops its data as told, with the same digests as this thread", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.integer({ min: 0, max: 2_500_000 }), { minLength: 1, maxLength: 4 }),
        fc.array(fc.integer({ min: 1, max: 2_500_000 }), { minLength: 1, maxLength: 4 }),
        fc.array(fc.constantFrom<Choice>("file", "back", "drop"), { minLength: 1, maxLength: 4 }),
        async (lengths, sizes, choices) => {
          const work = await mkdtemp(join(dir, "placed-"));
          const entries = lengths.map((length, i) => ({ name: `items/${i}.bin`, data: randomBytes(length) }));
          const sealed = await encryptBytes(await tarOf(entries), [practice.recipient]);
          const here = await summary(readEntries(await decryptAge(Readable.from([sealed]), { identities: [practice.identity] })));
          const there = await placed(sealed, sizes, choices, work);
          const ends = (events: unknown[]) => events.filter((e) => (e as EntryEvent).type === "end").map((e) => ({ ...(e as object), back: undefined, data: undefined }));
          expect(there.filter((e) => (e as EntryEvent).type === "entry")).toEqual(here.filter((e) => (e as EntryEvent).type === "entry"));
          expect(ends(there)).toEqual(ends(here));
          for (const [i, entry] of entries.entries()) {
            const choice = choices[i % choices.length]!;
            const came = (there.filter((e) => (e as EntryEvent).type === "end")[i] as { back: string }).back;
            expect(came).toBe(choice === "back" ? entry.data.toString("hex") : "");
            if (choice === "file") expect((await readFile(join(work, `${i}.bin`))).equals(entry.data)).toBe(true);
          }
          await rm(work, { recursive: true });
        },
      ),
      { numRuns: 12 },
    );
  });

  it("refuses to go on past an entry that was not placed, and stops the worker", async () => {
    const sealed = await encryptBytes(await tarOf([{ name: "items/a.bin", data: randomBytes(1000) }]), [practice.recipient]);
    const { key, payload } = await decryptHeader(Readable.from([sealed]), { identities: [practice.identity] });
    const events = entriesOnWorker(payload, key, true);
    const seen: EntryEvent[] = [];
    const error = await (async () => {
      for await (const event of events) seen.push(event);
    })().catch((e: unknown) => e);
    expect(seen.map((e) => e.type)).toEqual(["entry"]);
    expect(String(error)).toMatch(/not placed/);
    expect(() => events.place("drop")).toThrow(/no entry is waiting/);
    expect(key.every((byte) => byte === 0)).toBe(true);
  });

  it("ends with the worker's write error and its system code when the file cannot be written", async () => {
    const sealed = await encryptBytes(await tarOf([{ name: "items/a.bin", data: randomBytes(3 * 1024 * 1024) }]), [practice.recipient]);
    const path = join(dir, "read-only.bin");
    await writeFile(path, "");
    const readOnly = await open(path, "r");
    try {
      const { key, payload } = await decryptHeader(Readable.from(split(sealed, [1 << 20])), { identities: [practice.identity] });
      const events = entriesOnWorker(payload, key, true);
      const error = await (async () => {
        for await (const event of events) if (event.type === "entry") events.place({ fd: readOnly.fd });
      })().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(PayloadThreadError);
      expect((error as NodeJS.ErrnoException).code).toBe("EBADF");
    } finally {
      await readOnly.close();
    }
  });
});

describe("entriesOnWorker", () => {
  it("reads the same entries, bytes and digests as this thread, whatever the pieces", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.integer({ min: 0, max: 1_500_000 }), { minLength: 1, maxLength: 4 }),
        fc.array(fc.integer({ min: 1, max: 2_500_000 }), { minLength: 1, maxLength: 4 }),
        async (lengths, sizes) => {
          const entries = lengths.map((length, i) => ({ name: `items/${i}.bin`, data: randomBytes(length) }));
          const sealed = await encryptBytes(await tarOf(entries), [practice.recipient]);
          const here = await summary(readEntries(await decryptAge(Readable.from([sealed]), { identities: [practice.identity] })));
          const there = await summary(onWorker(sealed, sizes));
          expect(there).toEqual(here);
          expect(there.filter((e) => (e as EntryEvent).type === "end").map((e) => (e as { data: string }).data)).toEqual(entries.map((e) => e.data.toString("hex")));
        },
      ),
      { numRuns: 12 },
    );
  });

  it("ends a damaged payload with PayloadError, and never completes the entry it damaged", async () => {
    const big = randomBytes(3 * 1024 * 1024);
    const sealed = await encryptBytes(await tarOf([{ name: "items/big.bin", data: big }]), [practice.recipient]);
    const damaged = Buffer.from(sealed);
    damaged[damaged.length - 200_000]! ^= 1;
    const seen: EntryEvent[] = [];
    const error = await (async () => {
      for await (const event of onWorker(damaged, [1 << 20])) seen.push(event);
    })().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PayloadError);
    expect(seen.some((e) => e.type === "end")).toBe(false);
  });

  it("ends plaintext that is not a tar with EntryError, not as a fault of the worker", async () => {
    const sealed = await encryptBytes(randomBytes(100_000), [practice.recipient]);
    const error = await collect(onWorker(sealed, [4096]) as AsyncIterable<never>).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EntryError);
    expect(error).not.toBeInstanceOf(PayloadThreadError);
  });

  it("stops the worker and closes the input when the reader stops early", async () => {
    const data = randomBytes(20 * 1024 * 1024);
    const sealed = await collect(encryptAge(Readable.from([await tarOf([{ name: "items/a.bin", data }])]), [practice.recipient]));
    let closed = false;
    async function* input(): AsyncGenerator<Buffer> {
      try {
        for (const piece of split(sealed, [1 << 20])) yield await Promise.resolve(piece);
      } finally {
        closed = true;
      }
    }
    const { key, payload } = await decryptHeader(input(), { identities: [practice.identity] });
    let first: Buffer | undefined;
    for await (const event of entriesOnWorker(payload, key)) {
      if (event.type === "data") {
        first = event.pieces[0];
        break;
      }
    }
    expect(first!.equals(data.subarray(0, first!.length))).toBe(true);
    // Closed by the time the reader's loop has ended, not later.
    expect(closed).toBe(true);
    expect(key.every((byte) => byte === 0)).toBe(true);
  });
});
