/**
 * Tampering: a bundle with any byte flipped, truncated at or between STREAM chunk boundaries,
 * extended, with an edited header, for another key, or signed by another practice is refused
 * (IntegrityError, exit 5) and nothing is written: the target folder does not exist afterwards,
 * no staging folder is left beside it, and the bundle file is not left open.
 */
import { randomBytes } from "node:crypto";
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { IntegrityError } from "../../src/errors.js";
import { openBundle, verifyBundle, type OpenOptions } from "../../src/bundle/open.js";
import { sealBundle } from "../../src/bundle/seal.js";
import { encodePublicKey, signerFingerprint } from "../../src/bundle/signature.js";
import { initHome, runCli } from "../helpers/cli.js";
import { newPractice, seal, type TestPractice } from "./keys.js";

const CHUNK = 64 * 1024;
const SEALED_CHUNK = CHUNK + 16;

let root: string;
let practice: TestPractice;
let other: TestPractice;
let original: Buffer;
let headerLength: number;
let options: OpenOptions;
let counter = 0;

/** Header = everything up to and including the "--- MAC" line. */
function headerEnd(bytes: Buffer): number {
  const marker = bytes.indexOf("\n--- ");
  return bytes.indexOf(0x0a, marker + 1) + 1;
}

async function writeBundle(bytes: Uint8Array): Promise<string> {
  const file = join(root, `t${counter++}.age`);
  await writeFile(file, bytes);
  return file;
}

/** Files this process has open now (a refused bundle must not leave its file open until GC). */
async function openFiles(): Promise<number> {
  return (await readdir("/proc/self/fd")).length;
}

/**
 * Open must fail with an IntegrityError, leave the parent folder exactly as it was (empty), and
 * leave no file open.
 */
async function expectRefused(bytes: Uint8Array, opts: OpenOptions = options): Promise<IntegrityError> {
  const file = await writeBundle(bytes);
  const parent = await mkdtemp(join(root, "parent-"));
  const filesBefore = await openFiles();
  let caught: unknown;
  try {
    await openBundle(file, join(parent, "out"), opts);
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(IntegrityError);
  expect(await readdir(parent)).toEqual([]);
  await expect(verifyBundle(file, opts)).rejects.toBeInstanceOf(IntegrityError);
  expect(await openFiles()).toBe(filesBefore);
  await rm(parent, { recursive: true });
  await rm(file);
  return caught as IntegrityError;
}

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "nachklang-tamper-"));
  practice = await newPractice();
  other = await newPractice();
  const items = join(root, "items");
  await mkdir(items);
  // Several items so the tar spans four 64 KiB chunks: 64 KiB + 100 KB + a small one.
  await writeFile(join(items, "a.bin"), randomBytes(CHUNK));
  await writeFile(join(items, "b.bin"), randomBytes(100_000));
  await writeFile(join(items, "c.txt"), "Bis bald\n");
  const sealed = await seal(
    practice,
    ["a.bin", "b.bin", "c.txt"].map((n) => ({ file: join(items, n), kind: "file" as const, mime: "application/octet-stream" })),
    join(root, "sealed"),
  );
  original = await readFile(sealed.path);
  headerLength = headerEnd(original);
  options = { keys: { identities: [practice.identity] }, signer: practice.signing };
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe("the untouched bundle", () => {
  it("opens (the control case), and spans several chunks", async () => {
    const payload = original.length - headerLength - 16;
    expect(Math.ceil(payload / SEALED_CHUNK)).toBeGreaterThanOrEqual(3);
    const file = await writeBundle(original);
    const parent = await mkdtemp(join(root, "parent-"));
    const opened = await openBundle(file, join(parent, "out"), options);
    expect(opened.manifest.items).toHaveLength(3);
    expect(await readdir(parent)).toEqual(["out"]);
  });
});

describe("flipped bytes", () => {
  it("any flipped bit anywhere (header, nonce, payload chunks, final tag) is refused", async () => {
    const length = original.length;
    const position = fc.oneof(
      fc.integer({ min: 0, max: headerLength - 1 }), // header: stanzas, MAC
      fc.integer({ min: headerLength, max: headerLength + 15 }), // payload nonce
      fc.integer({ min: headerLength + 16, max: length - 1 }), // any payload byte
      fc.integer({ min: headerLength + 16 + SEALED_CHUNK - 16, max: headerLength + 16 + SEALED_CHUNK - 1 }), // first chunk's tag
      fc.integer({ min: length - 16, max: length - 1 }), // final chunk's tag
    );
    await fc.assert(
      fc.asyncProperty(position, fc.integer({ min: 1, max: 255 }), async (at, mask) => {
        const bytes = Buffer.from(original);
        bytes[at]! ^= mask;
        await expectRefused(bytes);
      }),
      { numRuns: 200 },
    );
  });
});

describe("truncation", () => {
  const cuts = (): number[] => {
    const start = headerLength + 16;
    const out = new Set<number>([0, 1, headerLength - 1, headerLength, headerLength + 8, start, start + 1, start + 15, start + 16]);
    for (let k = 1; start + k * SEALED_CHUNK < original.length; k++) {
      const boundary = start + k * SEALED_CHUNK;
      for (const d of [-17, -16, -1, 0, 1, 16, 17]) out.add(boundary + d);
      out.add(boundary - (SEALED_CHUNK >> 1)); // between boundaries
    }
    for (const d of [1, 15, 16, 17]) out.add(original.length - d);
    return [...out].filter((n) => n >= 0 && n < original.length).sort((a, b) => a - b);
  };

  it("at and between every 64 KiB chunk boundary, is refused", async () => {
    const list = cuts();
    expect(list.length).toBeGreaterThan(20);
    for (const n of list) {
      const error = await expectRefused(original.subarray(0, n));
      expect(error.key, `cut at ${n}`).toMatch(/^bundle\./);
    }
  });

  it("at random lengths, is refused", async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: original.length - 1 }), async (n) => {
        await expectRefused(original.subarray(0, n));
      }),
      { numRuns: 40 },
    );
  });
});

describe("appended bytes", () => {
  it.each([1, 16, 17, SEALED_CHUNK, SEALED_CHUNK + 1])("%i bytes after the final chunk are refused", async (n) => {
    await expectRefused(Buffer.concat([original, randomBytes(n)]));
  });

  it("a copy of the final chunk appended is refused", async () => {
    const last = original.subarray(original.length - ((original.length - headerLength - 16) % SEALED_CHUNK || SEALED_CHUNK));
    await expectRefused(Buffer.concat([original, last]));
  });
});


describe("edited headers", () => {
  const header = () => original.subarray(0, headerLength).toString("latin1");
  const withHeader = (text: string) => Buffer.concat([Buffer.from(text, "latin1"), original.subarray(headerLength)]);

  it("changed version line", async () => {
    await expectRefused(withHeader(header().replace("age-encryption.org/v1", "age-encryption.org/v2")));
  });

  it("changed stanza (type, share, body) and an added stanza", async () => {
    const h = header();
    await expectRefused(withHeader(h.replace("-> X25519 ", "-> x25519 ")));
    const share = /-> X25519 (\S+)/.exec(h)![1]!;
    const otherShare = share.slice(0, 10) + (share[10] === "A" ? "B" : "A") + share.slice(11);
    await expectRefused(withHeader(h.replace(share, otherShare)));
    const bodyLine = h.split("\n")[2]!;
    const otherBody = (bodyLine[0] === "A" ? "B" : "A") + bodyLine.slice(1);
    await expectRefused(withHeader(h.replace(`\n${bodyLine}\n`, `\n${otherBody}\n`)));
    await expectRefused(withHeader(h.replace("\n--- ", "\n-> extra stanza\nAAAA\n--- ")));
  });

  it("changed MAC, removed MAC, and a non-canonical MAC encoding", async () => {
    const h = header();
    const mac = /\n--- (\S+)\n$/.exec(h)![1]!;
    const flipped = (mac[0] === "A" ? "B" : "A") + mac.slice(1);
    await expectRefused(withHeader(h.replace(`--- ${mac}`, `--- ${flipped}`)));
    await expectRefused(withHeader(h.replace(`--- ${mac}`, "---")));
    await expectRefused(withHeader(h.replace(`--- ${mac}`, `--- ${mac}=`)));
  });

  it("the header of another bundle for the same key (a swapped file key) is refused", async () => {
    const items = join(root, "items");
    const second = await seal(practice, [{ file: join(items, "c.txt"), kind: "file", mime: "text/plain" }], join(root, "sealed2"));
    const bytes = await readFile(second.path);
    const spliced = Buffer.concat([bytes.subarray(0, headerEnd(bytes)), original.subarray(headerLength)]);
    await expectRefused(spliced);
  });
});

describe("other keys", () => {
  it("a bundle for another key is refused as 'not encrypted to this key'", async () => {
    const error = await expectRefused(original, { keys: { identities: [other.identity] }, signer: practice.signing });
    expect(error.key).toBe("bundle.notForThisKey");
  });

  it("a valid age file signed by another practice is refused when the signer is given", async () => {
    const items = join(root, "items");
    // Encrypted to our practice, signed by the other one (which also claims its own key in the manifest).
    const forged = await sealBundle({
      items: [{ file: join(items, "c.txt"), kind: "file", mime: "text/plain" }],
      message: "hello",
      client: "k042",
      lang: "en",
      practice: { name: "Praxis Test", ageRecipient: practice.recipient, keyId: other.keyId, signing: other.signing },
      outDir: join(root, "forged"),
    });
    const bytes = await readFile(forged.path);
    const error = await expectRefused(bytes);
    expect(error.key).toBe("bundle.otherSigner");
    // Named by the practice's fingerprint instead of its key: refused the same way.
    const byFingerprint = await expectRefused(bytes, { keys: { identities: [practice.identity] }, signer: { fingerprint: signerFingerprint(practice.signing) } });
    expect(byFingerprint.key).toBe("bundle.otherSigner");
    // Trusting the other practice's key, the same bytes verify, and say who verified them.
    const verified = await verifyBundle(forged.path, { keys: { identities: [practice.identity] }, signer: { fingerprint: signerFingerprint(other.signing) } });
    expect(verified.signer).toEqual({ keyId: other.keyId, fingerprint: signerFingerprint(other.signing) });

    // Signed by the trusted key, but the manifest claims another key id: refused.
    const claiming = await sealBundle({
      items: [{ file: join(items, "c.txt"), kind: "file", mime: "text/plain" }],
      message: "hello",
      client: "k042",
      lang: "en",
      practice: { ageRecipient: practice.recipient, keyId: other.keyId, signing: practice.signing },
      outDir: join(root, "forged"),
    });
    expect((await expectRefused(await readFile(claiming.path))).key).toBe("bundle.keyClaimMismatch");

    // Signed by the other key but claiming our key id: the signature itself fails.
    const impostor = await sealBundle({
      items: [{ file: join(items, "c.txt"), kind: "file", mime: "text/plain" }],
      message: "hello",
      client: "k042",
      lang: "en",
      practice: {
        ageRecipient: practice.recipient,
        keyId: practice.keyId,
        signing: { ...other.signing, keyId: practice.signing.keyId },
      },
      outDir: join(root, "forged"),
    });
    const impostorError = await expectRefused(await readFile(impostor.path));
    expect(impostorError.key).toBe("bundle.badSignature");
  });
});

describe("through the CLI: exit 5, one line, nothing written", () => {
  let home: string;
  let cleanup: () => Promise<void>;
  let work: string;
  let bundle: Buffer;

  beforeAll(async () => {
    ({ home, cleanup } = await initHome("Praxis CLI"));
    work = join(home, "..", "work");
    await mkdir(work);
    await writeFile(join(work, "big.bin"), randomBytes(150_000));
    await writeFile(join(work, "note.txt"), "Bis bald\n");
    const sealed = await runCli(["--json", "seal", "big.bin", "note.txt", "--to", "k042"], { home, cwd: work });
    // No client yet: add one, then seal.
    expect(sealed.code).toBe(2);
    expect((await runCli(["client", "add", "k042"], { home })).code).toBe(0);
    const ok = await runCli(["--json", "seal", "big.bin", "note.txt", "--to", "k042"], { home, cwd: work });
    expect(ok.code, ok.stderr).toBe(0);
    bundle = await readFile((JSON.parse(ok.stdout) as { path: string }).path);
    expect((await runCli(["keys", "export", "--minisign", join(work, "practice.pub")], { home })).code).toBe(0);
  });
  afterAll(async () => {
    await cleanup();
  });

  async function refusedByCli(bytes: Uint8Array, extra: string[] = [], expected?: RegExp): Promise<void> {
    const parent = await mkdtemp(join(work, "p-"));
    const file = join(parent, "01abcdefghjkmnpqrstvwxyz01.age");
    await writeFile(file, bytes);
    for (const command of ["open", "verify"]) {
      const args = command === "open" ? [command, file, "--out", join(parent, "out"), ...extra] : [command, file, ...extra];
      const r = await runCli(args, { home, cwd: parent });
      expect(r.code, `${command}: ${r.stderr}`).toBe(5);
      expect(r.stdout).toBe("");
      const lines = r.stderr.split("\n").filter((l) => l.length > 0);
      expect(lines).toHaveLength(1);
      expect(r.stderr).not.toMatch(/^\s+at /m);
      expect(lines[0]).toContain(file);
      if (expected) expect(lines[0]).toMatch(expected);
      // Nothing written: only the bundle itself is in its folder (no out/, no .nachklang-open-*, no id folder).
      expect(await readdir(parent)).toEqual(["01abcdefghjkmnpqrstvwxyz01.age"]);
    }
  }

  it("a flipped payload byte in each chunk (no crash while an entry is being staged)", async () => {
    const start = headerEnd(bundle) + 16;
    for (let at = start + 1000; at < bundle.length; at += SEALED_CHUNK) {
      const bytes = Buffer.from(bundle);
      bytes[at]! ^= 0x40;
      await refusedByCli(bytes, [], /damaged or has been altered/);
    }
  });

  it("a large bundle (9 MiB) with a flipped byte or cut short", async () => {
    await writeFile(join(work, "large.bin"), randomBytes(9 * 1024 * 1024));
    const ok = await runCli(["--json", "seal", "large.bin", "--to", "k042", "--out", "large.age"], { home, cwd: work });
    expect(ok.code, ok.stderr).toBe(0);
    const large = await readFile(join(work, "large.age"));
    const start = headerEnd(large) + 16;
    for (const at of [start + 5 * SEALED_CHUNK + 77, large.length - 20]) {
      const bytes = Buffer.from(large);
      bytes[at]! ^= 0x01;
      await refusedByCli(bytes, [], /damaged or has been altered/);
    }
    await refusedByCli(large.subarray(0, start + 100 * SEALED_CHUNK), [], /damaged/);
  }, 30_000);

  it("truncated at a chunk boundary", async () => {
    const start = headerEnd(bundle) + 16;
    await refusedByCli(bundle.subarray(0, start + 2 * SEALED_CHUNK), [], /damaged/);
  });

  it("an edited header", async () => {
    const text = bundle.toString("latin1").replace("age-encryption.org/v1", "age-encryption.org/v9");
    await refusedByCli(Buffer.from(text, "latin1"));
  });

  it("a bundle for another key (--identity)", async () => {
    const key = join(work, "stranger.txt");
    await writeFile(key, `${other.identity}\n`);
    await refusedByCli(bundle, ["--identity", key, "--signer", join(work, "practice.pub")], /not encrypted to this key/);
  });

  it("a valid bundle signed by another practice, with and without --signer", async () => {
    const show = await runCli(["--json", "keys", "show"], { home });
    const { ageRecipient } = JSON.parse(show.stdout) as { ageRecipient: string };
    await writeFile(join(work, "c.txt"), "hello\n");
    const forged = await sealBundle({
      items: [{ file: join(work, "c.txt"), kind: "file", mime: "text/plain" }],
      message: "hello",
      client: "k042",
      lang: "en",
      practice: { name: "Praxis CLI", ageRecipient, keyId: other.keyId, signing: other.signing },
      outDir: join(work, "forged"),
    });
    const bytes = await readFile(forged.path);
    await refusedByCli(bytes, ["--signer", join(work, "practice.pub")], /signed by a different key/);
    await refusedByCli(bytes, [], /signed by a different key/);
    // The other practice's key does verify it: the refusal is about the signer, not the file.
    await writeFile(join(work, "other.pub"), encodePublicKey(other.signing));
    const ok = await runCli(["verify", forged.path, "--signer", join(work, "other.pub")], { home });
    expect(ok.code, ok.stderr).toBe(0);
  });

  it("in German with --lang de", async () => {
    const bytes = Buffer.from(bundle);
    bytes[headerEnd(bundle) + 20]! ^= 1;
    await refusedByCli(bytes, ["--lang", "de"], /beschädigt oder verändert/);
  });
});
