/**
 * Property tests (fast-check): any set of files round-trips through sealBundle/openBundle byte
 * for byte, under names made unique and safe; and our streaming age agrees with typage
 * (`age-encryption`, the reference implementation) in both directions, at sizes around the
 * 64 KiB STREAM chunk.
 */
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { Decrypter, Encrypter } from "age-encryption";
import fc from "fast-check";
import tar from "tar-stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { decryptAge, encryptAge } from "../../src/age/index.js";
import { openBundle } from "../../src/bundle/open.js";
import { safeItemName } from "../../src/bundle/seal.js";
import { isItemName } from "../../src/bundle/manifest.js";
import { collect, fileStream, newPractice, seal, type TestPractice } from "./keys.js";

const KiB64 = 64 * 1024;

/** Deterministic pseudo-random bytes from a seed (xorshift32), so fast-check can shrink and replay. */
function bytesFrom(seed: number, size: number): Buffer {
  const out = Buffer.alloc(size);
  let x = seed | 1;
  for (let i = 0; i < size; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}

const size = fc.oneof(
  fc.constantFrom(0, 1, KiB64 - 1, KiB64, KiB64 + 1, 2 * KiB64, 3 * KiB64 - 16, 3 * KiB64),
  fc.integer({ min: 0, max: 200_000 }),
);

const name = fc.oneof(
  fc.string({ unit: "grapheme", minLength: 0, maxLength: 40 }),
  fc.string({ unit: "binary", minLength: 0, maxLength: 20 }),
  fc.constantFrom(
    "a.txt",
    "A.TXT",
    "a-2.txt",
    "../../etc/passwd",
    "/abs/path.jpg",
    "..",
    ".hidden",
    "-dash.md",
    "",
    "Übung für Sie.md",
    "日本語の宿題.txt",
    "Ресурсы.pdf",
    "emoji 🙂.png",
    "con",
    "manifest.json",
    "a\\b\\c.txt",
    "x".repeat(300) + ".bin",
  ),
);

const fileSet = fc.array(fc.record({ name, size, seed: fc.integer() }), { minLength: 0, maxLength: 6 });

let root: string;
let practice: TestPractice;
let run = 0;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "nachklang-roundtrip-"));
  practice = await newPractice();
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe("seal → open", () => {
  it("any set of files round-trips byte for byte, under unique, safe names", async () => {
    await fc.assert(
      fc.asyncProperty(fileSet, fc.string({ maxLength: 200 }), async (files, message) => {
        const dir = join(root, `r${run++}`);
        const inputs = join(dir, "in");
        await mkdir(inputs, { recursive: true });
        const data = files.map((f) => bytesFrom(f.seed, f.size));
        for (const [i, d] of data.entries()) await writeFile(join(inputs, `${i}.bin`), d);
        const sealed = await seal(
          practice,
          files.map((f, i) => ({ file: join(inputs, `${i}.bin`), name: f.name, kind: "file" as const, mime: "application/octet-stream" })),
          join(dir, "sealed"),
          message,
        );
        const opened = await openBundle(sealed.path, join(dir, "out"), { keys: { identities: [practice.identity] }, signer: practice.signing });
        expect(opened.manifest.message).toBe(message);
        expect(opened.items).toHaveLength(files.length);
        const seen = new Set<string>();
        for (const [i, { item, file }] of opened.items.entries()) {
          const base = item.path.slice("items/".length);
          expect(base).toMatch(/^[A-Za-z0-9_][A-Za-z0-9._-]*$/);
          expect(isItemName(base), base).toBe(true);
          expect(seen.has(base.toLowerCase()), `duplicate ${base}`).toBe(false);
          seen.add(base.toLowerCase());
          expect(item.size).toBe(data[i]!.length);
          expect((await readFile(file)).equals(data[i]!)).toBe(true);
        }
        expect((await readdir(join(dir, "out", "items"))).length).toBe(files.length);
        await rm(dir, { recursive: true });
      }),
      { numRuns: 60 },
    );
  });

  it("safeItemName gives names in the documented set that readers accept: ._- letters and digits, no device names, room for a suffix", () => {
    fc.assert(
      fc.property(fc.oneof(name, fc.constantFrom("CON", "nul.txt", "Com1.jpg", "lpt9", "name.", "a..", "...")), (n) => {
        const safe = safeItemName(n);
        expect(safe).toMatch(/^[A-Za-z0-9_][A-Za-z0-9._-]*$/);
        expect(isItemName(safe), safe).toBe(true);
        expect(isItemName(`${safe}-99`) || isItemName(safe.replace(/(\.[^.]*)?$/, "-99$1")), safe).toBe(true);
      }),
      { numRuns: 500 },
    );
  });
});

describe("agreement with typage (age-encryption)", () => {
  const plaintext = fc.record({ size, seed: fc.integer() }).map(({ size: n, seed }) => bytesFrom(seed, n));

  it("encryptAge output decrypts with typage's Decrypter", async () => {
    await fc.assert(
      fc.asyncProperty(plaintext, async (data) => {
        const encrypted = await collect(encryptAge(Readable.from([data]), [practice.recipient]));
        const d = new Decrypter();
        d.addIdentity(practice.identity);
        expect(Buffer.from(await d.decrypt(encrypted)).equals(data)).toBe(true);
      }),
      { numRuns: 40 },
    );
  });

  it("encryptAge → decryptAge round-trips whatever the input piece sizes", async () => {
    await fc.assert(
      fc.asyncProperty(plaintext, fc.integer({ min: 1, max: 70_000 }), async (data, piece) => {
        const pieces: Buffer[] = [];
        for (let i = 0; i < data.length; i += piece) pieces.push(data.subarray(i, i + piece));
        const encrypted = await collect(encryptAge(Readable.from(pieces), [practice.recipient]));
        const ours = await collect(await decryptAge(Readable.from([encrypted]), { identities: [practice.identity] }));
        expect(ours.equals(data)).toBe(true);
      }),
      { numRuns: 30 },
    );
  });

  it("decryptAge accepts a source that reuses one buffer for every piece (as open's reader does)", async () => {
    await fc.assert(
      fc.asyncProperty(plaintext, fc.integer({ min: 1, max: 70_000 }), async (data, piece) => {
        const encrypted = await collect(encryptAge(Readable.from([data]), [practice.recipient]));
        // Small pieces split the header too; every piece overwrites the previous one's memory.
        async function* reusing(): AsyncGenerator<Buffer> {
          const shared = Buffer.alloc(piece);
          for (let i = 0; i < encrypted.length; i += piece) {
            await Promise.resolve(); // a real source waits for its reads
            const n = encrypted.copy(shared, 0, i, i + piece);
            yield shared.subarray(0, n);
          }
        }
        const ours = await collect(await decryptAge(reusing(), { identities: [practice.identity] }));
        expect(ours.equals(data)).toBe(true);
      }),
      { numRuns: 30 },
    );
  });

  it("a file typage encrypts as a stream decrypts with decryptAge", async () => {
    await fc.assert(
      fc.asyncProperty(plaintext, fc.integer({ min: 512, max: 70_000 }), async (data, piece) => {
        const e = new Encrypter();
        e.addRecipient(practice.recipient);
        const input = new ReadableStream<Uint8Array>({
          start(controller) {
            for (let i = 0; i < data.length; i += piece) controller.enqueue(new Uint8Array(data.subarray(i, i + piece)));
            controller.close();
          },
        });
        const encrypted = await e.encrypt(input);
        const ours = await collect(await decryptAge(encrypted as unknown as AsyncIterable<Uint8Array>, { identities: [practice.identity] }));
        expect(ours.equals(data)).toBe(true);
      }),
      { numRuns: 25 },
    );
  });

  it("a sealed bundle decrypts with typage to the same tar our decrypter sees", async () => {
    const dir = join(root, "typage-bundle");
    await mkdir(dir, { recursive: true });
    const big = bytesFrom(7, 2 * KiB64 + 5);
    await writeFile(join(dir, "big.bin"), big);
    await writeFile(join(dir, "note.txt"), "Bis bald\n");
    const sealed = await seal(
      practice,
      [
        { file: join(dir, "big.bin"), kind: "file", mime: "application/octet-stream" },
        { file: join(dir, "note.txt"), kind: "file", mime: "text/plain" },
      ],
      join(dir, "sealed"),
    );
    const d = new Decrypter();
    d.addIdentity(practice.identity);
    const theirs = Buffer.from(await d.decrypt(await readFile(sealed.path)));
    const ours = await collect(await decryptAge(fileStream(sealed.path), { identities: [practice.identity] }));
    expect(theirs.equals(ours)).toBe(true);

    const names: string[] = [];
    const contents = new Map<string, Buffer>();
    const extract = tar.extract();
    extract.on("entry", (header, stream, next) => {
      names.push(header.name);
      void collect(stream as unknown as AsyncIterable<Uint8Array>).then((b) => {
        contents.set(header.name, b);
        next();
      });
    });
    const finished = new Promise<void>((resolve, reject) => {
      extract.on("finish", resolve);
      extract.on("error", reject);
    });
    extract.end(theirs);
    await finished;
    expect(names).toEqual(["manifest.json", "manifest.json.minisig", "items/big.bin", "items/note.txt"]);
    expect(contents.get("items/big.bin")!.equals(big)).toBe(true);
  });
});

