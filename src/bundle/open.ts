/**
 * Opening and verifying bundles (docs/bundle-format.md, "Opening"): decrypt; read the manifest
 * and its signature, the first two entries, and verify them against the signer the caller
 * trusts before a single item byte is written; then check every item against the signed
 * manifest while it streams (name, declared size, hash at its end), refusing at the first
 * mismatch; only when everything passed, move the staged folder into place. A bundle that
 * fails any check leaves nothing behind.
 */
import { mkdir, open as openFile, rename, chmod, statfs, type FileHandle } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { AgeError, decryptAge, type AgeKeys } from "../age/index.js";
import { IntegrityError, UserError, ExitCode, unreadableFile, unwritableFile } from "../errors.js";
import type { MessageKey } from "../messages/index.js";
import { makePrivateTemp, removeTemp, untrackTemp } from "../temp.js";
import { NAMED_READ_FLAGS, chunksOf, exists, makeDirs } from "../files.js";
import { firstCodePoints, printable } from "../printable.js";
import { EntryError, readEntries, type EntryEvent } from "./entries.js";
import { FORMAT_VERSION, isItemPath, manifestSchema, recipientFingerprint, type Manifest, type ManifestItem } from "./manifest.js";
import { formatKeyId, parsePublicKey, sameKey, signerFingerprint, SignatureError, verify, type MinisignPublicKey } from "./signature.js";
import { nodeEd25519 } from "./ed25519-node.js";

/** A processed item of an opened follow-up, on disk in a private temporary folder. */
export interface FollowUpItem {
  readonly item: ManifestItem;
  readonly file: string;
}

/** A sealed follow-up, opened and verified: what channels and the viewer are handed. */
export interface OpenedFollowUp {
  readonly manifest: Manifest;
  /** `manifest.json` exactly as signed, and its minisign signature (`manifest.json.minisig`). */
  readonly manifestBytes: Uint8Array;
  readonly signature: string;
  /** The item files; empty when the bundle was only verified, not extracted. */
  readonly items: readonly FollowUpItem[];
}

export interface OpenLimits {
  /** Largest total of all items, in bytes. */
  readonly maxTotalBytes: number;
  readonly maxItems: number;
  /**
   * Free space that opening must leave on the target's file system (default 256 MiB), checked
   * against the total the signed manifest declares before anything is staged: a validly signed
   * bundle that would fill the disk is refused (exit 1) instead.
   */
  readonly reserveBytes?: number;
  /** The most of the file system's size the reserve takes (default a twentieth: a small USB stick keeps little). */
  readonly reserveShare?: number;
}

export const DEFAULT_LIMITS: OpenLimits = { maxTotalBytes: 8 * 1024 ** 3, maxItems: 1000, reserveBytes: 256 * 1024 ** 2, reserveShare: 1 / 20 };
const MAX_MANIFEST = 1024 * 1024;
const MAX_SIGNATURE = 4096;
const MANIFEST = "manifest.json";
const SIGNATURE = "manifest.json.minisig";

/**
 * The signer a bundle must be signed by: its public key, or the fingerprint of its key
 * (signerFingerprint: 64 hex digits), which is checked against the key the manifest names
 * before that key verifies the signature.
 */
export type TrustedSigner = MinisignPublicKey | { readonly fingerprint: string };

export interface OpenOptions {
  readonly keys: AgeKeys;
  /** Required: whom the bundle must be signed by. Nothing the bundle says about itself is trusted before this key verified it. */
  readonly signer: TrustedSigner;
  /** The `age1…` recipients of the identities in `keys`: the result says whether the bundle was sealed for one of them. */
  readonly openers?: readonly string[];
  readonly limits?: OpenLimits;
  /**
   * Called before a staging folder is made beside the target, with the folder it is made in (a
   * place a later run must know to remove what a killed run left there). Returns what to call
   * once the staging folder is gone or has become the target.
   */
  readonly registerStaging?: (parent: string) => Promise<() => Promise<void>>;
}

/** The key that verified a bundle, as it may be shown: nothing of it comes from unsigned data. */
export interface VerifyingKey {
  /** The minisign key id, as minisign prints it. */
  readonly keyId: string;
  /** signerFingerprint of the key. */
  readonly fingerprint: string;
}

export interface VerifiedBundle {
  readonly manifest: Manifest;
  readonly manifestBytes: Uint8Array;
  readonly signature: string;
  readonly trustedComment: string;
  readonly signer: VerifyingKey;
  /**
   * Whether one of `openers` is among the recipients the signed manifest lists ("opener"), or
   * none is ("forwarded": someone who could decrypt it encrypted it again for this key);
   * "unknown" without `openers`.
   */
  readonly sealedFor: "opener" | "forwarded" | "unknown";
}

export interface OpenedBundle extends VerifiedBundle, OpenedFollowUp {
  /** The folder holding manifest.json, manifest.json.minisig and items/. */
  readonly dir: string;
}

/** Text from an untrusted bundle (entry names), safe for a terminal: unsafe characters as '?', at most 200. */
function printableEntry(text: string): string {
  return firstCodePoints(printable(text), 200);
}

function integrity(key: MessageKey, file: string, extra: Record<string, string | number> = {}, cause?: unknown): IntegrityError {
  const safe = Object.fromEntries(Object.entries(extra).map(([k, v]) => [k, typeof v === "string" ? printableEntry(v) : v]));
  return new IntegrityError(key, { file, ...safe }, cause === undefined ? undefined : { cause });
}

/** An entry's destination: a staging file, or nothing (verify only hashes). */
interface EntryOutput {
  write(data: Buffer): Promise<void>;
  close(): Promise<void>;
}

/** Where item entries go, made once the manifest is verified: a folder on disk, or nowhere. */
interface Sink {
  item(name: string): Promise<EntryOutput>;
}


/** The file in pieces (chunksOf); it is closed however reading ends, before the caller goes on. */
async function* readChunks(handle: FileHandle): AsyncGenerator<Buffer> {
  try {
    yield* chunksOf(handle);
  } finally {
    await handle.close();
  }
}

async function plaintextOf(bundle: string, options: OpenOptions): Promise<AsyncIterable<Buffer>> {
  try {
    // Opened first, so that a missing or unreadable bundle is named as such; without blocking (a
    // named pipe nobody writes to reads as empty instead of hanging the command).
    const handle = await openFile(bundle, NAMED_READ_FLAGS);
    // Closed by readChunks once it has started; if decryption is refused before, here.
    return await decryptAge(readChunks(handle), options.keys).catch(async (error: unknown) => {
      await handle.close();
      throw error;
    });
  } catch (error) {
    if (error instanceof AgeError) {
      throw integrity(error.kind === "no-match" ? "bundle.notForThisKey" : "bundle.damaged", bundle, {}, error);
    }
    // A missing file, a folder or a file we may not read: the user's input, not a bug.
    throw unreadableFile(bundle, error) ?? error;
  }
}

/** The entries, one event at a time; undefined once the archive has ended. */
type Next = () => Promise<EntryEvent | undefined>;

/** Extended tar headers: never written by nachklang, never applied when reading (entries.ts). */
const EXTENDED = new Set(["pax-header", "pax-global-header", "gnu-long-path", "gnu-long-link-path"]);

/** The whole of a small entry (manifest or signature), which must come now, under its name and limit. */
async function smallEntry(next: Next, bundle: string, expected: string, max: number): Promise<Buffer> {
  const head = await next();
  if (head === undefined) throw integrity("bundle.incomplete", bundle);
  if (head.type !== "entry") throw new Error("entry expected");
  if (EXTENDED.has(head.kind)) throw integrity("bundle.extendedHeader", bundle, { entry: head.name });
  if (head.name !== expected) {
    // Format 1 put the items first; a bundle of it cannot be checked before writing.
    if (expected === MANIFEST && head.name.startsWith("items/")) throw integrity("bundle.formatOne", bundle);
    if (head.name === MANIFEST || head.name === SIGNATURE) throw integrity("bundle.notFirst", bundle);
    throw integrity(expected === MANIFEST ? "bundle.notFirst" : "bundle.incomplete", bundle, { entry: head.name });
  }
  if (head.kind !== "file") throw integrity("bundle.unsafeEntry", bundle, { entry: head.name });
  if (head.size > max) throw integrity("bundle.tooLarge", bundle, { entry: head.name });
  const data: Buffer[] = [];
  for (let event = await next(); event?.type !== "end"; event = await next()) {
    if (event?.type !== "data") throw new Error("data expected");
    data.push(event.data);
  }
  return Buffer.concat(data);
}

/**
 * The manifest's JSON, read the one way both readings use (the claimed key before, the whole
 * after verifying): strict UTF-8, and a byte-order mark is kept, so JSON.parse refuses it.
 * nachklang never writes one; read one way, it was accepted with `--signer` and refused with
 * `--signer-fingerprint`.
 */
function manifestJson(bytes: Buffer): unknown {
  return JSON.parse(new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(bytes));
}

/** The manifest's claimed key, read before anything is verified: only to compare its fingerprint. */
function claimedKey(bundle: string, manifestBytes: Buffer): MinisignPublicKey {
  try {
    const parsed = manifestJson(manifestBytes) as { practice?: { minisignPublicKey?: unknown } };
    const line = parsed.practice?.minisignPublicKey;
    if (typeof line !== "string") throw new Error("no key");
    return parsePublicKey(line);
  } catch (error) {
    throw integrity("bundle.badManifest", bundle, {}, error);
  }
}

/** Verify the signature with the trusted signer, then parse the manifest and check its claims against that key. */
function verifyManifest(bundle: string, manifestBytes: Buffer, signatureBytes: Buffer, options: OpenOptions): Omit<VerifiedBundle, "sealedFor"> {
  let key: MinisignPublicKey;
  if ("fingerprint" in options.signer) {
    key = claimedKey(bundle, manifestBytes);
    if (signerFingerprint(key) !== options.signer.fingerprint) throw integrity("bundle.otherSigner", bundle);
  } else {
    key = options.signer;
  }
  const signature = signatureBytes.toString("utf8");
  let trustedComment: string;
  try {
    trustedComment = verify(key, manifestBytes, signature, nodeEd25519).trustedComment;
  } catch (error) {
    if (error instanceof SignatureError && error.reason === "key-mismatch") throw integrity("bundle.otherSigner", bundle, {}, error);
    throw integrity("bundle.badSignature", bundle, {}, error);
  }
  // Signed by the trusted key: from here on the manifest says what the signer said.
  let json: unknown;
  try {
    json = manifestJson(manifestBytes);
  } catch (error) {
    throw integrity("bundle.badManifest", bundle, {}, error);
  }
  const version = (json as { version?: unknown } | null)?.version;
  if (typeof version === "number" && version < FORMAT_VERSION) throw integrity("bundle.formatOne", bundle);
  if (typeof version === "number" && version > FORMAT_VERSION) throw integrity("bundle.newerFormat", bundle, { version });
  const parsed = manifestSchema.safeParse(json);
  if (!parsed.success) throw integrity("bundle.badManifest", bundle, {}, parsed.error);
  const manifest = parsed.data;
  let claimed: MinisignPublicKey;
  try {
    claimed = parsePublicKey(manifest.practice.minisignPublicKey);
  } catch (error) {
    throw integrity("bundle.badManifest", bundle, {}, error);
  }
  if (manifest.practice.keyId !== formatKeyId(key.keyId) || !sameKey(claimed, key)) throw integrity("bundle.keyClaimMismatch", bundle);
  const folded = new Set(manifest.items.map((i) => i.path.toLowerCase()));
  if (folded.size !== manifest.items.length) throw integrity("bundle.badManifest", bundle);
  return {
    manifest,
    manifestBytes: new Uint8Array(manifestBytes),
    signature,
    trustedComment,
    signer: { keyId: formatKeyId(key.keyId), fingerprint: signerFingerprint(key) },
  };
}

function sealedFor(manifest: Manifest, openers: readonly string[] | undefined): VerifiedBundle["sealedFor"] {
  if (openers === undefined) return "unknown";
  const listed = new Set(manifest.recipients);
  return openers.some((r) => listed.has(recipientFingerprint(r))) ? "opener" : "forwarded";
}

/**
 * Read and check a bundle. `sinkFor` is called once the manifest and signature are verified
 * and within the limits, and gives where the items go.
 */
async function readBundle(bundle: string, options: OpenOptions, sinkFor: (verified: VerifiedBundle) => Promise<Sink>): Promise<VerifiedBundle> {
  const limits = options.limits ?? DEFAULT_LIMITS;
  const events = readEntries(await plaintextOf(bundle, options));
  const next: Next = async () => {
    const step = await events.next();
    return step.done === true ? undefined : step.value;
  };
  let current: { readonly item: ManifestItem; readonly out: EntryOutput } | undefined;
  try {
    const manifestBytes = await smallEntry(next, bundle, MANIFEST, MAX_MANIFEST);
    const signatureBytes = await smallEntry(next, bundle, SIGNATURE, MAX_SIGNATURE);
    const checked = verifyManifest(bundle, manifestBytes, signatureBytes, options);
    const verified: VerifiedBundle = { ...checked, sealedFor: sealedFor(checked.manifest, options.openers) };
    const { items } = verified.manifest;
    const total = items.reduce((sum, item) => sum + item.size, 0);
    if (items.length > limits.maxItems || total > limits.maxTotalBytes) {
      throw integrity("bundle.totalTooLarge", bundle, { mb: Math.ceil(total / 1024 ** 2), items: items.length });
    }
    const declared = new Map(items.map((item) => [item.path, item]));
    const seen = new Set<string>();
    const sink = await sinkFor(verified);
    for (let event = await next(); event !== undefined; event = await next()) {
      if (event.type === "entry") {
        // Checked before a byte of it is written: the name, the type, the declared size.
        const { name } = event;
        if (EXTENDED.has(event.kind)) throw integrity("bundle.extendedHeader", bundle, { entry: name });
        if (name === MANIFEST || name === SIGNATURE) throw integrity("bundle.duplicateEntry", bundle, { entry: name });
        if (!isItemPath(name) || event.kind !== "file") throw integrity("bundle.unsafeEntry", bundle, { entry: name });
        if (seen.has(name.toLowerCase())) throw integrity("bundle.duplicateEntry", bundle, { entry: name });
        seen.add(name.toLowerCase());
        const item = declared.get(name);
        if (item === undefined) throw integrity("bundle.undeclaredEntry", bundle, { entry: name });
        if (event.size !== item.size) throw integrity("bundle.hashMismatch", bundle, { entry: name });
        current = { item, out: await sink.item(name) };
      } else if (event.type === "data") {
        await current!.out.write(event.data);
      } else {
        const { item, out } = current!;
        current = undefined;
        await out.close();
        if (event.sha256 !== item.sha256 || event.size !== item.size) throw integrity("bundle.hashMismatch", bundle, { entry: item.path });
      }
    }
    const missing = items.find((item) => !seen.has(item.path.toLowerCase()));
    if (missing !== undefined) throw integrity("bundle.missingEntry", bundle, { entry: missing.path });
    return verified;
  } catch (error) {
    // A refusal (or the output's problem) is the user's one line.
    if (error instanceof UserError) throw error;
    if (error instanceof EntryError) {
      throw integrity(error.fault === "trailing" ? "bundle.trailingData" : "bundle.notABundle", bundle, {}, error);
    }
    if (error instanceof AgeError) throw integrity("bundle.damaged", bundle, {}, error);
    throw error;
  } finally {
    if (current !== undefined) await current.out.close();
    // Stops reading the bundle (and closes it) when a check refused it early.
    await events.return(undefined);
  }
}

/** Run every check without writing anything anywhere. Throws IntegrityError (exit 5). */
export async function verifyBundle(bundle: string, options: OpenOptions): Promise<VerifiedBundle> {
  const nowhere: EntryOutput = { write: () => Promise.resolve(), close: () => Promise.resolve() };
  return readBundle(bundle, options, () => Promise.resolve({ item: () => Promise.resolve(nowhere) }));
}

/** Files written into a staging folder, mode 0600; a failed write names `where`. */
function stagingSink(stage: string, where: string): Sink {
  // A failed write is the output's problem (one line naming `where`), never damage of the bundle.
  const outputError = (error: unknown) => unwritableFile(where, error) ?? error;
  return {
    async item(name) {
      const handle = await openFile(join(stage, name), "wx", 0o600).catch((error: unknown) => {
        throw outputError(error);
      });
      return {
        write: (data) =>
          writeAll(handle, data).catch((error: unknown) => {
            throw outputError(error);
          }),
        close: () => handle.close(),
      };
    },
  };
}

/**
 * Refuse (exit 1) a verified bundle whose items would not leave the reserve free in `dir`: the
 * limit's reserve, but at most a twentieth of the file system (a 32 MB USB stick keeps 1.6 MB free,
 * not 256 MiB it does not have).
 */
async function checkRoom(bundle: string, dir: string, verified: VerifiedBundle, options: OpenOptions): Promise<void> {
  const total = verified.manifest.items.reduce((sum, item) => sum + item.size, 0);
  const { bavail, bsize, blocks } = await statfs(dir);
  const limits = options.limits ?? DEFAULT_LIMITS;
  const share = limits.reserveShare ?? DEFAULT_LIMITS.reserveShare!;
  const reserve = Math.min(limits.reserveBytes ?? DEFAULT_LIMITS.reserveBytes!, Math.ceil(blocks * bsize * share));
  const free = bavail * bsize;
  if (total > free - reserve) {
    const mb = (bytes: number) => Math.max(0, Math.ceil(bytes / 1024 ** 2));
    throw new UserError(ExitCode.failure, "bundle.noSpace", { file: bundle, mb: mb(total), reserve: mb(reserve), free: Math.max(0, Math.floor(free / 1024 ** 2)) });
  }
}

/** Write the verified manifest and signature beside the staged items. */
async function stageManifest(stage: string, verified: VerifiedBundle): Promise<void> {
  for (const [name, data] of [
    [MANIFEST, verified.manifestBytes],
    [SIGNATURE, verified.signature],
  ] as const) {
    const handle = await openFile(join(stage, name), "wx", 0o600);
    try {
      await handle.writeFile(data);
    } finally {
      await handle.close();
    }
  }
}

/** All of `data`, however many writes it takes. */
async function writeAll(handle: FileHandle, data: Uint8Array): Promise<void> {
  for (let offset = 0; offset < data.length; ) offset += (await handle.write(data, offset)).bytesWritten;
}

function opened(dir: string, verified: VerifiedBundle): OpenedBundle {
  return {
    ...verified,
    dir,
    items: verified.manifest.items.map((item) => ({ item, file: join(dir, item.path) })),
  };
}

/**
 * Open into `target` (a folder that must not exist yet). Once the manifest is verified, a
 * private staging folder is made beside the target; it becomes `target` only after every
 * check passed. A bundle refused before that leaves not even the staging folder.
 */
export async function openBundle(bundle: string, target: string, options: OpenOptions): Promise<OpenedBundle> {
  const destination = resolve(target);
  if (await exists(destination)) throw new UserError(ExitCode.usage, "file.exists", { file: destination });
  const parent = dirname(destination);
  const outputError = (error: unknown) => (error instanceof UserError ? error : (unwritableFile(destination, error) ?? error));
  let stage: string | undefined;
  let unregister: (() => Promise<void>) | undefined;
  try {
    const verified = await readBundle(bundle, options, async (verified) => {
      try {
        await makeDirs(parent);
        await checkRoom(bundle, parent, verified, options);
        unregister = await options.registerStaging?.(parent);
        stage = await makePrivateTemp(".nachklang-open-", parent);
        await mkdir(join(stage, "items"), { mode: 0o700 });
      } catch (error) {
        throw outputError(error);
      }
      return stagingSink(stage, destination);
    });
    await stageManifest(stage!, verified);
    await rename(stage!, destination);
    untrackTemp(stage!);
    stage = undefined;
    await chmod(destination, 0o700);
    return opened(destination, verified);
  } catch (error) {
    throw outputError(error);
  } finally {
    if (stage !== undefined) await removeTemp(stage);
    await unregister?.();
  }
}

/**
 * Open into a private temporary folder (for delivery: channels read the item files). Call
 * `dispose` when done; the folder is also removed if the process ends first.
 */
export async function openBundleToTemp(bundle: string, options: OpenOptions): Promise<OpenedBundle & { dispose(): Promise<void> }> {
  let stage: string | undefined;
  try {
    const verified = await readBundle(bundle, options, async (verified) => {
      await checkRoom(bundle, tmpdir(), verified, options);
      stage = await makePrivateTemp("nachklang-open-");
      await mkdir(join(stage, "items"), { mode: 0o700 });
      return stagingSink(stage, stage);
    });
    await stageManifest(stage!, verified);
    const dir = stage!;
    return { ...opened(dir, verified), dispose: () => removeTemp(dir) };
  } catch (error) {
    if (stage !== undefined) await removeTemp(stage);
    throw error;
  }
}
