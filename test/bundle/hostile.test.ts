/**
 * Hostile payloads: tars crafted here (with tar-stream, headers we control, or raw header bytes)
 * and encrypted to the practice key, as anyone who knows the public age recipient could. Each is
 * refused with an IntegrityError (exit 5 through the CLI), and nothing is written inside the
 * target, beside it, or where a `../` or absolute path or a link would have pointed.
 */
import { spawnSync } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { mkdir, mkdtemp, readFile, readdir, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import tar from "tar-stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { IntegrityError } from "../../src/errors.js";
import { DEFAULT_LIMITS, openBundle, verifyBundle, type OpenOptions } from "../../src/bundle/open.js";
import { FORMAT_VERSION, recipientFingerprint, type Manifest, type ManifestItem } from "../../src/bundle/manifest.js";
import { encodePublicKey, sign, signerFingerprint } from "../../src/bundle/signature.js";
import { nobleEd25519 } from "../../src/bundle/ed25519-noble.js";
import { trustedComment } from "../../src/bundle/seal.js";
import { newBundleId } from "../../src/bundle/ids.js";
import { unlockKeyring } from "../../src/practice/keyring.js";
import { initHome, PASSPHRASE, runCli } from "../helpers/cli.js";
import { missing } from "../helpers/tools.js";
import { collect, encryptBytes, listTree, newPractice, type TestPractice } from "./keys.js";

type EntrySpec =
  | { readonly name: string; readonly data: Buffer; readonly type?: "file" }
  | {
      readonly name: string;
      readonly type: "symlink" | "link" | "directory" | "character-device" | "block-device" | "fifo";
      readonly linkname?: string;
      readonly devmajor?: number;
      readonly devminor?: number;
    };

const MANIFEST = "manifest.json";
const SIGNATURE = "manifest.json.minisig";

async function tarOf(entries: readonly EntrySpec[]): Promise<Buffer> {
  const pack = tar.pack();
  const bytes = collect(pack as unknown as AsyncIterable<Uint8Array>);
  for (const e of entries) {
    await new Promise<void>((resolve, reject) => {
      const done = (error?: Error | null) => (error ? reject(error) : resolve());
      if ("data" in e) {
        pack.entry({ name: e.name, size: e.data.length, mode: 0o644 }, e.data, done);
      } else {
        pack.entry(
          {
            name: e.name,
            type: e.type,
            mode: 0o644,
            ...(e.linkname !== undefined ? { linkname: e.linkname } : {}),
            ...(e.devmajor !== undefined ? { devmajor: e.devmajor, devminor: e.devminor ?? 0 } : {}),
          },
          done,
        );
      }
    });
  }
  pack.finalize();
  return bytes;
}

/** Walk the 512-byte header blocks of a ustar archive: [offset, name, size]. */
function headers(archive: Buffer): [number, string, number][] {
  const out: [number, string, number][] = [];
  for (let off = 0; off + 512 <= archive.length; ) {
    const block = archive.subarray(off, off + 512);
    if (block.every((b) => b === 0)) break;
    const name = block.subarray(0, 100).toString("utf8").replace(/\0.*$/s, "");
    const size = parseInt(block.subarray(124, 136).toString("ascii").replace(/\0.*$/s, "").trim() || "0", 8);
    out.push([off, name, size]);
    off += 512 + Math.ceil(size / 512) * 512;
  }
  return out;
}

/** Rewrite an entry's size field (octal) and its header checksum. */
function setDeclaredSize(archive: Buffer, offset: number, size: number): void {
  rewriteHeader(archive, offset, (block) => block.write(size.toString(8).padStart(11, "0") + "\0", 124, "ascii"));
}

/** Edit an entry's header block and recompute its checksum. */
function rewriteHeader(archive: Buffer, offset: number, edit: (block: Buffer) => void): void {
  const block = archive.subarray(offset, offset + 512);
  edit(block);
  block.fill(0x20, 148, 156);
  let sum = 0;
  for (const b of block) sum += b;
  block.write(sum.toString(8).padStart(6, "0") + "\0 ", 148, "ascii");
}

const sha = (data: Buffer) => createHash("sha256").update(data).digest("hex");

function item(path: string, data: Buffer, overrides: Partial<ManifestItem> = {}): ManifestItem {
  return { path, kind: "file", mime: "application/octet-stream", size: data.length, sha256: sha(data), ...overrides };
}

/** A manifest declaring `items`, signed by `signer` (default: the practice); `edit` may change it before it is signed. */
function signedManifest(
  practice: TestPractice,
  items: readonly ManifestItem[],
  signer: TestPractice = practice,
  edit: (manifest: Partial<Record<keyof Manifest, unknown>>) => void = () => {},
): { manifest: Buffer; signature: Buffer } {
  const manifest: Manifest = {
    format: "nachklang-bundle",
    version: FORMAT_VERSION,
    id: newBundleId(),
    created: new Date().toISOString(),
    practice: {
      name: "Praxis Test",
      keyId: signer.keyId,
      minisignPublicKey: encodePublicKey(signer.signing).split("\n")[1]!,
      ageRecipient: practice.recipient,
    },
    recipients: [recipientFingerprint(practice.recipient)],
    client: "k042",
    lang: "en",
    message: "hello",
    items: [...items],
  };
  edit(manifest);
  const bytes = Buffer.from(JSON.stringify(manifest, null, 2) + "\n");
  return { manifest: bytes, signature: Buffer.from(sign(signer.signing, bytes, trustedComment(manifest), nobleEd25519)) };
}

const A = Buffer.from("first item\n");
const B = Buffer.from("second item\n");

let root: string;
let practice: TestPractice;
let other: TestPractice;
let options: OpenOptions;
let absoluteTarget: string;

/** A tar with a correctly signed manifest for `declared`, then `entries`. */
function signedTar(declared: readonly ManifestItem[], entries: readonly EntrySpec[], signer?: TestPractice): Promise<Buffer> {
  const { manifest, signature } = signedManifest(practice, declared, signer);
  return tarOf([
    { name: MANIFEST, data: manifest },
    { name: SIGNATURE, data: signature },
    ...entries,
  ]);
}

interface Outcome {
  readonly error: IntegrityError;
  readonly tree: string[];
}

/** Encrypt `archive` to the practice, open it into <case>/work/out, and report what is on disk afterwards. */
async function openHostile(archive: Buffer, opts: OpenOptions = options): Promise<Outcome> {
  const bundle = join(root, `${randomBytes(6).toString("hex")}.age`);
  await writeFile(bundle, await encryptBytes(archive, [practice.recipient]));
  const caseDir = await mkdtemp(join(root, "case-"));
  const work = join(caseDir, "work");
  await mkdir(work);
  let caught: unknown;
  try {
    await openBundle(bundle, join(work, "out"), opts);
  } catch (error) {
    caught = error;
  }
  await expect(verifyBundle(bundle, opts)).rejects.toBeInstanceOf(IntegrityError);
  expect(caught).toBeInstanceOf(IntegrityError);
  const tree = await listTree(caseDir);
  // Nothing inside the target (it does not exist), nothing beside it, nothing above it.
  expect(tree).toEqual(["work"]);
  await expect(stat(absoluteTarget)).rejects.toThrow();
  await rm(bundle);
  return { error: caught as IntegrityError, tree };
}

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "nachklang-hostile-"));
  practice = await newPractice();
  other = await newPractice();
  options = { keys: { identities: [practice.identity] }, signer: practice.signing };
  absoluteTarget = join(tmpdir(), `nachklang-hostile-escape-${randomBytes(6).toString("hex")}`);
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
  await rm(absoluteTarget, { force: true });
});

describe("the control case", () => {
  it("a well-formed crafted tar opens", async () => {
    const archive = await signedTar([item("items/a.txt", A)], [{ name: "items/a.txt", data: A }]);
    const bundle = join(root, "good.age");
    await writeFile(bundle, await encryptBytes(archive, [practice.recipient]));
    const opened = await openBundle(bundle, join(root, "good-out"), options);
    expect(await readFile(join(opened.dir, "items", "a.txt"))).toEqual(A);
  });
});

describe("unsafe paths", () => {
  it.each([
    ["../ at the top", "../escape.txt"],
    ["../ inside items", "items/../../escape.txt"],
    ["items/..", "items/.."],
    ["items/.", "items/."],
    ["a nested folder", "items/sub/x.txt"],
    ["a backslash path", "items\\..\\..\\escape.txt"],
    ["./ prefix", "./items/a.txt"],
    ["an unknown top-level file", "escape.txt"],
  ])("%s (%s) is refused", async (_label, name) => {
    const archive = await signedTar([item("items/a.txt", A)], [{ name: "items/a.txt", data: A }, { name, data: B }]);
    const { error } = await openHostile(archive);
    expect(error.key).toBe("bundle.unsafeEntry");
  });

  it("an absolute path is refused and nothing appears there", async () => {
    const archive = await signedTar([item("items/a.txt", A)], [{ name: "items/a.txt", data: A }, { name: absoluteTarget, data: B }]);
    const { error } = await openHostile(archive);
    expect(error.key).toBe("bundle.unsafeEntry");
  });

  it("a long ../ path carried in a pax header is refused", async () => {
    const name = `../${"x".repeat(300)}/escape.txt`;
    const archive = await signedTar([item("items/a.txt", A)], [{ name, data: B }]);
    expect(archive.includes(Buffer.from("path="))).toBe(true);
    const { error } = await openHostile(archive);
    expect(error.key).toBe("bundle.extendedHeader");
  });

  it("a ../ entry placed before the manifest is refused", async () => {
    const { manifest, signature } = signedManifest(practice, [item("items/a.txt", A)]);
    const archive = await tarOf([
      { name: "../escape.txt", data: B },
      { name: MANIFEST, data: manifest },
      { name: SIGNATURE, data: signature },
      { name: "items/a.txt", data: A },
    ]);
    expect((await openHostile(archive)).error.key).toBe("bundle.notFirst");
  });
});

describe("links, devices, folders", () => {
  it.each<[string, EntrySpec]>([
    ["a symlink out of the target", { name: "items/link", type: "symlink", linkname: "../../escape.txt" }],
    ["an absolute symlink", { name: "items/link", type: "symlink", linkname: "/etc/passwd" }],
    ["a hard link", { name: "items/hard", type: "link", linkname: "/etc/passwd" }],
    ["a hard link to the manifest", { name: "items/hard", type: "link", linkname: MANIFEST }],
    ["a character device", { name: "items/null", type: "character-device", devmajor: 1, devminor: 3 }],
    ["a block device", { name: "items/disk", type: "block-device", devmajor: 8, devminor: 0 }],
    ["a fifo", { name: "items/fifo", type: "fifo" }],
    ["a directory", { name: "items/sub", type: "directory" }],
    ["the items directory itself", { name: "items/", type: "directory" }],
  ])("%s is refused", async (_label, entry) => {
    const archive = await signedTar([item("items/a.txt", A)], [{ name: "items/a.txt", data: A }, entry]);
    expect((await openHostile(archive)).error.key).toBe("bundle.unsafeEntry");
  });

  it("an entry of a type tar does not define (typeflag '9') is refused, not taken for a file", async () => {
    const archive = await signedTar([item("items/a.txt", A), item("items/b.txt", B)], [
      { name: "items/a.txt", data: A },
      { name: "items/b.txt", data: B },
    ]);
    const [offset] = headers(archive).find(([, name]) => name === "items/b.txt")!;
    rewriteHeader(archive, offset, (block) => block.write("9", 156, "ascii"));
    expect((await openHostile(archive)).error.key).toBe("bundle.unsafeEntry");
  });

  it("a symlink followed by a file of the same name (write through the link) is refused", async () => {
    const archive = await signedTar(
      [item("items/link", A)],
      [
        { name: "items/link", type: "symlink", linkname: "../../escape.txt" },
        { name: "items/link", data: A },
      ],
    );
    expect((await openHostile(archive)).error.key).toBe("bundle.unsafeEntry");
  });
});

describe("duplicates", () => {
  it.each([
    ["the same item twice", "items/a.txt", "items/a.txt"],
    ["names that differ only in case", "items/a.txt", "items/A.txt"],
    ["the manifest twice", MANIFEST, MANIFEST],
    ["the signature twice", SIGNATURE, SIGNATURE],
  ])("%s is refused", async (_label, first, second) => {
    const { manifest, signature } = signedManifest(practice, [item("items/a.txt", A)]);
    const data = (name: string, fallback: Buffer) => (name === MANIFEST ? manifest : name === SIGNATURE ? signature : fallback);
    const base: EntrySpec[] = [
      { name: MANIFEST, data: manifest },
      { name: SIGNATURE, data: signature },
    ];
    const entries: EntrySpec[] = first.startsWith("items/")
      ? [...base, { name: first, data: A }, { name: second, data: B }]
      : [...base, { name: "items/a.txt", data: A }, { name: second, data: data(second, B) }];
    const archive = await tarOf(entries);
    expect((await openHostile(archive)).error.key).toBe("bundle.duplicateEntry");
  });
});

describe("the manifest and the tar disagree", () => {
  it("an entry that is not in the manifest is refused", async () => {
    const archive = await signedTar(
      [item("items/a.txt", A)],
      [
        { name: "items/a.txt", data: A },
        { name: "items/extra.txt", data: B },
      ],
    );
    expect((await openHostile(archive)).error.key).toBe("bundle.undeclaredEntry");
  });

  it("a manifest item missing from the tar is refused", async () => {
    const archive = await signedTar([item("items/a.txt", A), item("items/b.txt", B)], [{ name: "items/a.txt", data: A }]);
    expect((await openHostile(archive)).error.key).toBe("bundle.missingEntry");
  });

  it("a wrong sha256 is refused", async () => {
    const archive = await signedTar([item("items/a.txt", A, { sha256: sha(B) })], [{ name: "items/a.txt", data: A }]);
    expect((await openHostile(archive)).error.key).toBe("bundle.hashMismatch");
  });

  it("a wrong size with the right hash is refused", async () => {
    const archive = await signedTar([item("items/a.txt", A, { size: A.length + 1 })], [{ name: "items/a.txt", data: A }]);
    expect((await openHostile(archive)).error.key).toBe("bundle.hashMismatch");
  });

  it("an item swapped for another one's bytes is refused", async () => {
    const archive = await signedTar(
      [item("items/a.txt", A), item("items/b.txt", B)],
      [
        { name: "items/a.txt", data: B },
        { name: "items/b.txt", data: A },
      ],
    );
    expect((await openHostile(archive)).error.key).toBe("bundle.hashMismatch");
  });
});

describe("declared sizes", () => {
  it("a header claiming more bytes than follow (archive ends inside the entry) is refused", async () => {
    const big = randomBytes(3000);
    const archive = await signedTar([item("items/a.bin", big)], [{ name: "items/a.bin", data: big }]);
    const [offset, , size] = headers(archive).find(([, name]) => name === "items/a.bin")!;
    setDeclaredSize(archive, offset, size + 100_000);
    const cut = archive.subarray(0, offset + 512 + Math.ceil(size / 512) * 512);
    expect((await openHostile(Buffer.from(cut))).error).toBeInstanceOf(IntegrityError);
  });

  it("a header claiming more bytes than follow (the end-of-archive blocks are swallowed) is refused", async () => {
    const archive = await signedTar([item("items/a.txt", A)], [{ name: "items/a.txt", data: A }]);
    const [offset] = headers(archive).find(([, name]) => name === "items/a.txt")!;
    setDeclaredSize(archive, offset, 4096);
    expect((await openHostile(archive)).error).toBeInstanceOf(IntegrityError);
  });

  it("an oversized pax header is refused, not buffered", async () => {
    // pax and GNU long-name headers are held in memory by the tar reader; tar-stream refuses
    // those over 4 MiB, so a crafted header cannot make opening take gigabytes of memory.
    const pack = tar.pack();
    const bytes = collect(pack as unknown as AsyncIterable<Uint8Array>);
    await new Promise<void>((resolve, reject) =>
      pack.entry({ name: "items/a.txt", size: A.length, mode: 0o644, pax: { comment: "x".repeat(5 * 1024 * 1024) } }, A, (e) => (e ? reject(e) : resolve())),
    );
    pack.finalize();
    const archive = await bytes;
    expect(archive.length).toBeGreaterThan(5 * 1024 * 1024);
    expect((await openHostile(archive)).error.key).toBe("bundle.extendedHeader");
  });

  it("a manifest larger than its limit is refused before it is read", async () => {
    const huge = Buffer.alloc(2 * 1024 * 1024, 0x20);
    const archive = await tarOf([{ name: MANIFEST, data: huge }]);
    expect((await openHostile(archive)).error.key).toBe("bundle.tooLarge");
  });

  it("items beyond the size limit are refused", async () => {
    const big = randomBytes(10_000);
    const archive = await signedTar([item("items/a.bin", big)], [{ name: "items/a.bin", data: big }]);
    const limited = { ...options, limits: { maxTotalBytes: 5_000, maxItems: 10 } };
    expect((await openHostile(archive, limited)).error.key).toBe("bundle.totalTooLarge");
  });

  it("a bundle that would not leave the reserve free is refused before anything is written", async () => {
    // A validly signed bundle can still be too large for the disk: the signed total is held
    // against the free space before anything is staged. Here the reserve is more than any disk
    // has, so even a valid bundle is refused.
    const data = randomBytes(10_000);
    const archive = await signedTar([item("items/a.bin", data)], [{ name: "items/a.bin", data }]);
    const bundle = join(root, `${randomBytes(6).toString("hex")}.age`);
    await writeFile(bundle, await encryptBytes(archive, [practice.recipient]));
    const caseDir = await mkdtemp(join(root, "case-"));
    const tight = { ...options, limits: { ...DEFAULT_LIMITS, reserveBytes: 2 ** 53, reserveShare: 1 } };
    await expect(openBundle(bundle, join(caseDir, "out"), tight)).rejects.toMatchObject({ key: "bundle.noSpace", code: 1 });
    expect(await listTree(caseDir)).toEqual([]);
    // Verifying writes nothing, so it is not limited by free space; with the default reserve it opens.
    await expect(verifyBundle(bundle, tight)).resolves.toBeDefined();
    await openBundle(bundle, join(caseDir, "out"), options);
    expect((await readFile(join(caseDir, "out", "items", "a.bin"))).equals(data)).toBe(true);
  });
});

describe("signatures", () => {
  it("a manifest signed by another key is refused", async () => {
    const archive = await signedTar([item("items/a.txt", A)], [{ name: "items/a.txt", data: A }], other);
    expect((await openHostile(archive)).error.key).toBe("bundle.otherSigner");
  });

  it("a manifest naming a key that is not an Ed25519 minisign key is refused (with and without a signer)", async () => {
    const { manifest } = signedManifest(practice, [item("items/a.txt", A)]);
    const parsed = JSON.parse(manifest.toString("utf8")) as Manifest;
    const blob = Buffer.from(parsed.practice.minisignPublicKey, "base64");
    blob.write("XX", 0, "latin1"); // not "Ed"
    parsed.practice.minisignPublicKey = blob.toString("base64");
    const bytes = Buffer.from(JSON.stringify(parsed, null, 2) + "\n");
    const archive = await tarOf([
      { name: MANIFEST, data: bytes },
      { name: SIGNATURE, data: Buffer.from(sign(practice.signing, bytes, trustedComment(parsed), nobleEd25519)) },
      { name: "items/a.txt", data: A },
    ]);
    // Even though the signature itself is valid for the trusted signer: the manifest is malformed.
    expect((await openHostile(archive, { keys: options.keys, signer: { fingerprint: signerFingerprint(practice.signing) } })).error.key).toBe("bundle.badManifest");
    expect((await openHostile(archive)).error.key).toBe("bundle.badManifest");
  });

  it("a signed manifest with a byte-order mark is refused alike with a signer and with its fingerprint", async () => {
    const { manifest } = signedManifest(practice, [item("items/a.txt", A)]);
    const parsed = JSON.parse(manifest.toString("utf8")) as Manifest;
    const bytes = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), manifest]);
    const archive = await tarOf([
      { name: MANIFEST, data: bytes },
      { name: SIGNATURE, data: Buffer.from(sign(practice.signing, bytes, trustedComment(parsed), nobleEd25519)) },
      { name: "items/a.txt", data: A },
    ]);
    expect((await openHostile(archive)).error.key).toBe("bundle.badManifest");
    expect((await openHostile(archive, { keys: options.keys, signer: { fingerprint: signerFingerprint(practice.signing) } })).error.key).toBe("bundle.badManifest");
  });

  it("a manifest edited after signing is refused", async () => {
    const { manifest, signature } = signedManifest(practice, [item("items/a.txt", A)]);
    const edited = Buffer.from(manifest.toString("utf8").replace('"hello"', '"HELLO"'));
    const archive = await tarOf([
      { name: MANIFEST, data: edited },
      { name: SIGNATURE, data: signature },
      { name: "items/a.txt", data: A },
    ]);
    expect((await openHostile(archive)).error.key).toBe("bundle.badSignature");
  });

  it("a missing signature is refused", async () => {
    const { manifest } = signedManifest(practice, [item("items/a.txt", A)]);
    const archive = await tarOf([
      { name: MANIFEST, data: manifest },
      { name: "items/a.txt", data: A },
    ]);
    expect((await openHostile(archive)).error.key).toBe("bundle.incomplete");
  });

  it("a missing manifest, an empty tar and bytes that are not a tar are refused", async () => {
    expect((await openHostile(await tarOf([{ name: "items/a.txt", data: A }]))).error.key).toBe("bundle.formatOne");
    expect((await openHostile(await tarOf([{ name: "other.txt", data: A }]))).error.key).toBe("bundle.notFirst");
    expect((await openHostile(await tarOf([]))).error.key).toBe("bundle.incomplete");
    expect((await openHostile(randomBytes(4096))).error.key).toBe("bundle.notABundle");
  });

  it("a manifest that is not JSON, or not the schema, is refused", async () => {
    for (const text of ["not json", JSON.stringify({ format: "nachklang-bundle" })]) {
      const manifest = Buffer.from(text);
      const signature = Buffer.from(sign(practice.signing, manifest, "timestamp:0", nobleEd25519));
      const archive = await tarOf([
        { name: MANIFEST, data: manifest },
        { name: SIGNATURE, data: signature },
      ]);
      expect((await openHostile(archive)).error.key).toBe("bundle.badManifest");
    }
  });
});

/**
 * `archive` with entry `placeholder`'s name field set to the raw UTF-8 bytes of `name` (up to
 * 100 bytes): tar-stream would put a name with control or non-ASCII characters into a pax header.
 */
function withRawName(archive: Buffer, placeholder: string, name: string): Buffer {
  const copy = Buffer.from(archive);
  const [offset] = headers(copy).find(([, n]) => n === placeholder)!;
  rewriteHeader(copy, offset, (block) => {
    block.fill(0, 0, 100);
    Buffer.from(name, "utf8").copy(block, 0, 0, 100);
  });
  return copy;
}

/** `archive` with entry `name`'s header rewritten to type flag `flag`. */
function withTypeflag(archive: Buffer, name: string, flag: string): Buffer {
  const copy = Buffer.from(archive);
  const [offset] = headers(copy).find(([, n]) => n === name)!;
  rewriteHeader(copy, offset, (block) => block.write(flag, 156, "ascii"));
  return copy;
}

describe("the tar is read as GNU tar reads it, or refused", () => {
  it("a pax global header (which GNU tar applies to every later entry) is refused", async () => {
    const { manifest, signature } = signedManifest(practice, [item("items/a.txt", A)]);
    const plain = await tarOf([
      { name: MANIFEST, data: manifest },
      { name: SIGNATURE, data: signature },
      { name: "pax_global_header", data: Buffer.from("18 comment=hello\n") },
      { name: "items/a.txt", data: A },
    ]);
    const archive = withTypeflag(plain, "pax_global_header", "g");
    expect((await openHostile(archive)).error.key).toBe("bundle.extendedHeader");
    // Also as the very first entry, before the manifest.
    const first = withTypeflag(await tarOf([{ name: "pax_global_header", data: Buffer.from("18 comment=hello\n") }, { name: MANIFEST, data: manifest }]), "pax_global_header", "g");
    expect((await openHostile(first)).error.key).toBe("bundle.extendedHeader");
  });

  it("an item after the end-of-archive marker (which GNU tar never extracts) is refused, even when the manifest declares it", async () => {
    const good = await signedTar([item("items/a.txt", A), item("items/b.txt", B)], [{ name: "items/a.txt", data: A }]);
    const hidden = await tarOf([{ name: "items/b.txt", data: B }]);
    expect((await openHostile(Buffer.concat([good, hidden]))).error.key).toBe("bundle.trailingData");
  });

  it("anything but zeros after the end-of-archive marker, or after a lone zero block, is refused; zero padding is not", async () => {
    const archive = await signedTar([item("items/a.txt", A)], [{ name: "items/a.txt", data: A }]);
    expect((await openHostile(Buffer.concat([archive, Buffer.from("x")]))).error.key).toBe("bundle.trailingData");
    // A lone zero block, then an entry: tar-stream read on, GNU tar stops.
    const lone = Buffer.concat([archive.subarray(0, archive.length - 512), Buffer.from(await tarOf([{ name: "items/b.txt", data: B }]))]);
    expect((await openHostile(lone)).error.key).toBe("bundle.trailingData");
    // Padding to a tar record (10 KiB) is what tar writes: it opens.
    const padded = Buffer.concat([archive, Buffer.alloc(10240 - (archive.length % 10240))]);
    const bundle = join(root, "padded.age");
    await writeFile(bundle, await encryptBytes(padded, [practice.recipient]));
    await expect(verifyBundle(bundle, options)).resolves.toMatchObject({ manifest: { items: [{ path: "items/a.txt" }] } });
  });

  it("a header with a wrong checksum, a GNU (non-POSIX) header or a base-256 size is not a bundle", async () => {
    const archive = await signedTar([item("items/a.txt", A)], [{ name: "items/a.txt", data: A }]);
    const [offset] = headers(archive).find(([, name]) => name === "items/a.txt")!;
    const checksum = Buffer.from(archive);
    checksum[offset + 10]! ^= 1;
    expect((await openHostile(checksum)).error.key).toBe("bundle.notABundle");
    const gnu = Buffer.from(archive);
    rewriteHeader(gnu, offset, (block) => block.write("ustar  \0", 257, "latin1"));
    expect((await openHostile(gnu)).error.key).toBe("bundle.notABundle");
    const base256 = Buffer.from(archive);
    rewriteHeader(base256, offset, (block) => {
      block.fill(0, 124, 136);
      block[124] = 0x80;
      block[135] = A.length;
    });
    expect((await openHostile(base256)).error.key).toBe("bundle.notABundle");
  });

  it("a tar that ends without its end-of-archive marker is not a bundle", async () => {
    const archive = await signedTar([item("items/a.txt", A)], [{ name: "items/a.txt", data: A }]);
    expect((await openHostile(archive.subarray(0, archive.length - 1024))).error.key).toBe("bundle.notABundle");
  });
});

describe("order: manifest and signature first, checked before anything is written", () => {
  it("a format-1 bundle (items first, manifest and signature last) is refused as sealed by an earlier nachklang", async () => {
    const { manifest, signature } = signedManifest(practice, [item("items/a.txt", A)], practice, (m) => {
      m.version = 1;
      delete m.recipients;
    });
    const archive = await tarOf([
      { name: "items/a.txt", data: A },
      { name: MANIFEST, data: manifest },
      { name: SIGNATURE, data: signature },
    ]);
    expect((await openHostile(archive)).error.key).toBe("bundle.formatOne");
    // A version-1 manifest in front is refused the same way, after its signature was checked.
    const inFront = await tarOf([
      { name: MANIFEST, data: manifest },
      { name: SIGNATURE, data: signature },
      { name: "items/a.txt", data: A },
    ]);
    expect((await openHostile(inFront)).error.key).toBe("bundle.formatOne");
  });

  it("a manifest from a newer format is refused, saying to update", async () => {
    const { manifest, signature } = signedManifest(practice, [item("items/a.txt", A)], practice, (m) => {
      m.version = 3;
    });
    const error = (await openHostile(await tarOf([{ name: MANIFEST, data: manifest }, { name: SIGNATURE, data: signature }, { name: "items/a.txt", data: A }]))).error;
    expect(error.key).toBe("bundle.newerFormat");
    expect(error.params.version).toBe(3);
  });

  it("a wrong item is refused at its end, before the next one is read", async () => {
    // The bad first item is followed by bytes that are no tar at all: the hash mismatch is what is reported.
    const forged = Buffer.from("first itex\n"); // A's size, another hash
    const archive = await signedTar([item("items/a.txt", A), item("items/b.txt", B)], [{ name: "items/a.txt", data: forged }]);
    const broken = Buffer.concat([archive.subarray(0, archive.length - 1024), randomBytes(2048)]);
    expect((await openHostile(broken)).error.key).toBe("bundle.hashMismatch");
  });
});

describe("item names outside the documented set", () => {
  it.each([
    ["a Windows device name", "items/CON"],
    ["a device name with an extension", "items/nul.txt"],
    ["a colon (NTFS streams)", "items/a:b"],
    ["a newline", "items/a\nb.txt"],
    ["a bidi override", "items/gpj.\u202eexe"],
    ["a leading dot", "items/.hidden"],
    ["a trailing dot", "items/name."],
    ["a space", "items/a b.txt"],
    ["a non-ASCII letter", "items/müller.txt"],
    ["an over-long name", `items/${"n".repeat(95)}`],
  ])("%s (%j) in a signed manifest is refused, nothing staged", async (_label, path) => {
    const archive = await signedTar([item(path, A)], [{ name: path, data: A }]);
    expect((await openHostile(archive)).error.key).toBe("bundle.badManifest");
  });

  it.each([
    ["a Windows device name", "items/CON"],
    ["a colon", "items/a:b"],
    ["a newline", "items/a\nb.txt"],
    ["a bidi override", "items/gpj.\u202eexe"],
  ])("%s (%j) as an entry is refused as unsafe", async (_label, name) => {
    const archive = await signedTar([item("items/a.txt", A)], [{ name: "items/a.txt", data: A }, { name: "items/placeholder", data: B }]);
    expect((await openHostile(withRawName(archive, "items/placeholder", name))).error.key).toBe("bundle.unsafeEntry");
  });
});

describe("hostile bundles through the CLI: exit 5, one line, nothing written, never a usage error", () => {
  let home: string;
  let cleanup: () => Promise<void>;
  let cliPractice: TestPractice;

  beforeAll(async () => {
    ({ home, cleanup } = await initHome("Praxis Hostile CLI"));
    const keyring = await unlockKeyring(join(home, "keyring.age"), PASSPHRASE);
    cliPractice = { identity: keyring.ageIdentity, recipient: keyring.ageRecipient, signing: keyring.signing, keyId: keyring.keyId };
  });
  afterAll(async () => {
    await cleanup();
  });

  async function refused(archive: Buffer, line: RegExp): Promise<void> {
    const caseDir = await mkdtemp(join(root, "cli5-"));
    const work = join(caseDir, "work");
    await mkdir(work);
    const bundle = join(caseDir, "bundle.age");
    await writeFile(bundle, await encryptBytes(archive, [cliPractice.recipient]));
    for (const args of [
      ["open", bundle, "--out", join(work, "out")],
      ["verify", bundle],
    ]) {
      const r = await runCli(args, { home, cwd: work });
      expect(r.code, r.stderr).toBe(5);
      expect(r.stderr.trim().split("\n")).toHaveLength(1);
      expect(r.stderr).toMatch(line);
      expect(r.stderr).not.toContain(join(work, "out"));
    }
    expect(await readdir(work)).toEqual([]);
  }

  const tarFor = (declared: readonly ManifestItem[], entries: readonly EntrySpec[]) => {
    const { manifest, signature } = signedManifest(cliPractice, declared);
    return tarOf([{ name: MANIFEST, data: manifest }, { name: SIGNATURE, data: signature }, ...entries]);
  };

  it("an over-long item name (300 characters, in a pax header) is an integrity refusal, not the output path's fault", async () => {
    const path = `items/${"x".repeat(300)}.txt`;
    await refused(await tarFor([item(path, A)], [{ name: path, data: A }]), /the manifest is invalid/);
    await refused(await tarFor([item("items/a.txt", A)], [{ name: "items/a.txt", data: A }, { name: path, data: B }]), /tar extended header/);
  });

  it("CON, a:b and a newline in signed names are refused", async () => {
    for (const path of ["items/CON", "items/a:b", "items/two\nlines"]) {
      await refused(await tarFor([item(path, A)], [{ name: path, data: A }]), /the manifest is invalid/);
    }
  });

  it("bytes that decrypt but are no tar: 'not a valid bundle', not 'decryption failed'", async () => {
    await refused(randomBytes(5000), /decrypted correctly, but the content is not a valid nachklang bundle/);
  });

  it("a pax global header and an item after the end-of-archive marker", async () => {
    const plain = await tarFor([item("items/a.txt", A)], [{ name: "pax_global_header", data: Buffer.from("18 comment=hello\n") }, { name: "items/a.txt", data: A }]);
    await refused(withTypeflag(plain, "pax_global_header", "g"), /tar extended header/);
    const good = await tarFor([item("items/a.txt", A), item("items/b.txt", B)], [{ name: "items/a.txt", data: A }]);
    await refused(Buffer.concat([good, await tarOf([{ name: "items/b.txt", data: B }])]), /more data after the end of the bundle/);
  });

  it("a format-1 bundle says it was sealed by an earlier nachklang and must be sent again", async () => {
    const { manifest, signature } = signedManifest(cliPractice, [item("items/a.txt", A)], cliPractice, (m) => {
      m.version = 1;
      delete m.recipients;
    });
    await refused(
      await tarOf([{ name: "items/a.txt", data: A }, { name: MANIFEST, data: manifest }, { name: SIGNATURE, data: signature }]),
      /sealed by an earlier nachklang .* send it again/,
    );
  });
});

describe.skipIf(missing("age"))("crafted with the stock `age -r`, through `nachklang open`", () => {
  let home: string;
  let cleanup: () => Promise<void>;
  let cliPractice: TestPractice;

  beforeAll(async () => {
    ({ home, cleanup } = await initHome("Praxis Hostile"));
    const keyring = await unlockKeyring(join(home, "keyring.age"), PASSPHRASE);
    cliPractice = { identity: keyring.ageIdentity, recipient: keyring.ageRecipient, signing: keyring.signing, keyId: keyring.keyId };
  });
  afterAll(async () => {
    await cleanup();
  });

  it.each<[string, EntrySpec, string, string?]>([
    // The name's bytes go straight into the ustar name field (tar-stream would use a pax header).
    ["terminal escapes in a name", { name: "items/placeholder", data: B }, "unsafe entry 'items/?[2J?[1;32mSigned by Praxis?.txt'", "items/\u001b[2J\u001b[1;32mSigned by Praxis\u202e.txt"],
    ["../ path", { name: "../escape.txt", data: B }, "unsafe entry '../escape.txt'"],
    ["symlink", { name: "items/link", type: "symlink", linkname: "../escape.txt" }, "unsafe entry 'items/link'"],
    ["undeclared entry", { name: "items/extra.txt", data: B }, "'items/extra.txt' is not in the signed manifest"],
  ])("%s: exit 5, one line, nothing written", async (_label, entry, line, rawName) => {
    const { manifest, signature } = signedManifest(cliPractice, [item("items/a.txt", A)]);
    const packed = await tarOf([
      { name: MANIFEST, data: manifest },
      { name: SIGNATURE, data: signature },
      { name: "items/a.txt", data: A },
      entry,
    ]);
    const archive = rawName === undefined ? packed : withRawName(packed, entry.name, rawName);
    const caseDir = await mkdtemp(join(root, "cli-"));
    const work = join(caseDir, "work");
    await mkdir(work);
    const bundle = join(caseDir, "bundle.age");
    const age = spawnSync("age", ["-r", cliPractice.recipient, "-o", bundle], { input: archive });
    expect(age.status, age.stderr.toString()).toBe(0);
    for (const args of [
      ["open", bundle, "--out", join(work, "out")],
      ["verify", bundle],
    ]) {
      const r = await runCli(args, { home, cwd: work });
      expect(r.code, r.stderr).toBe(5);
      expect(r.stderr.trim().split("\n")).toHaveLength(1);
      expect(r.stderr).toContain(line);
      expect(r.stderr).not.toMatch(/^\s+at /m);
      expect([...r.stderr.trimEnd()].some((c) => c.charCodeAt(0) < 0x20 || c === "\u007f" || c === "\u202e")).toBe(false);
    }
    expect(await readdir(work)).toEqual([]);
    expect((await readdir(caseDir)).sort()).toEqual(["bundle.age", "work"]);
  });
});
