/**
 * Opening and verifying bundles, all or nothing: decrypt, stage into a private folder, check
 * every path, every hash and the signature, and only then move the result into place. Nothing
 * unauthenticated is ever released: a bundle that fails any check leaves nothing behind.
 */
import { mkdir, open as openFile, rename, chmod, statfs, type FileHandle } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { AgeError, decryptAge, type AgeKeys } from "../age/index.js";
import { IntegrityError, UserError, ExitCode, unreadableFile, unwritableFile } from "../errors.js";
import type { MessageKey } from "../messages/index.js";
import { makePrivateTemp, removeTemp, untrackTemp } from "../temp.js";
import { exists } from "../files.js";
import { readEntries } from "./entries.js";
import { manifestSchema, type Manifest, type ManifestItem } from "./manifest.js";
import { parsePublicKey, SignatureError, verify, type MinisignPublicKey } from "./signature.js";
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
   * Free space that opening must leave on the target's file system (default 256 MiB). Items
   * are staged before the signature can be checked (it comes last), so anyone who knows the
   * public age recipient could otherwise fill the disk up to `maxTotalBytes` before refusal.
   */
  readonly reserveBytes?: number;
}

export const DEFAULT_LIMITS: OpenLimits = { maxTotalBytes: 8 * 1024 ** 3, maxItems: 1000, reserveBytes: 256 * 1024 ** 2 };
const MAX_MANIFEST = 1024 * 1024;
const MAX_SIGNATURE = 4096;

export interface OpenOptions {
  readonly keys: AgeKeys;
  /** The key the bundle must be signed with. Without it, the key named in the manifest is used and reported as unchecked. */
  readonly signer?: MinisignPublicKey;
  readonly limits?: OpenLimits;
}

export interface VerifiedBundle {
  readonly manifest: Manifest;
  readonly manifestBytes: Uint8Array;
  readonly signature: string;
  readonly trustedComment: string;
  /** True when the signature was checked against a key the caller trusts (practice or --signer). */
  readonly signerTrusted: boolean;
}

export interface OpenedBundle extends VerifiedBundle, OpenedFollowUp {
  /** The folder holding manifest.json, manifest.json.minisig and items/. */
  readonly dir: string;
}

const ITEM_PATH = /^items\/[^/\\\0]+$/;

/** Text from an untrusted bundle (entry names), safe for a terminal: control and bidi characters as '?'. */
function printable(text: string): string {
  return text.replace(/[\p{Cc}\p{Cf}]/gu, "?").slice(0, 200);
}

function integrity(key: MessageKey, file: string, extra: Record<string, string> = {}, cause?: unknown): IntegrityError {
  const safe = Object.fromEntries(Object.entries(extra).map(([k, v]) => [k, printable(v)]));
  return new IntegrityError(key, { file, ...safe }, cause === undefined ? undefined : { cause });
}

function checkEntryName(name: string, file: string): void {
  const ok = name === "manifest.json" || name === "manifest.json.minisig" || (ITEM_PATH.test(name) && name !== "items/." && name !== "items/..");
  if (!ok) throw integrity("bundle.unsafeEntry", file, { entry: name.slice(0, 200) });
}

/** An entry's destination: a staging file, or nothing (verify only hashes). */
interface EntryOutput {
  write(data: Buffer): Promise<void>;
  close(): Promise<void>;
}

/** Where staged entries go: a folder on disk, or nowhere. */
type Sink = (name: string) => Promise<EntryOutput>;

interface Staged {
  readonly sizes: Map<string, number>;
  readonly hashes: Map<string, string>;
  manifestBytes?: Buffer;
  signature?: Buffer;
}

/** Read size for bundle files: large reads keep per-piece stream overhead low. */
const READ_CHUNK = 1024 * 1024;

/** The file in READ_CHUNK pieces; it is closed however reading ends, before the caller goes on. */
async function* readChunks(handle: FileHandle): AsyncGenerator<Buffer> {
  try {
    for (;;) {
      const { bytesRead, buffer } = await handle.read(Buffer.allocUnsafe(READ_CHUNK), 0, READ_CHUNK, null);
      if (bytesRead === 0) return;
      yield buffer.subarray(0, bytesRead);
    }
  } finally {
    await handle.close();
  }
}

async function plaintextOf(bundle: string, options: OpenOptions): Promise<AsyncIterable<Buffer>> {
  try {
    // Opened first, so that a missing or unreadable bundle is named as such.
    const handle = await openFile(bundle, "r");
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

/** The entry being read: the manifest and its signature are kept, items go to the sink. */
type Current = { readonly name: string; readonly kept: Buffer[] } | { readonly name: string; readonly out: EntryOutput };

/** `room`: bytes the staged items may take, if they are written anywhere. */
async function extract(bundle: string, options: OpenOptions, sink: Sink, room?: number): Promise<Staged> {
  const limits = options.limits ?? DEFAULT_LIMITS;
  const events = readEntries(await plaintextOf(bundle, options));
  const staged: Staged = { sizes: new Map(), hashes: new Map() };
  const seen = new Set<string>();
  let total = 0;
  /** Checked before a byte of it is written: the name, the type, the declared size. */
  const begin = async (name: string, kind: string, size: number): Promise<Current> => {
    checkEntryName(name, bundle);
    if (kind !== "file") throw integrity("bundle.unsafeEntry", bundle, { entry: name });
    const folded = name.toLowerCase();
    if (seen.has(folded)) throw integrity("bundle.duplicateEntry", bundle, { entry: name });
    seen.add(folded);
    if (name === "manifest.json" || name === "manifest.json.minisig") {
      if (size > (name === "manifest.json" ? MAX_MANIFEST : MAX_SIGNATURE)) throw integrity("bundle.tooLarge", bundle, { entry: name });
      return { name, kept: [] };
    }
    total += size;
    if (seen.size > limits.maxItems + 2 || total > limits.maxTotalBytes) throw integrity("bundle.tooLarge", bundle, { entry: name });
    // A bundle that does not fit is refused before a byte is written.
    if (room !== undefined && total > room) throw new UserError(ExitCode.failure, "bundle.noSpace", { file: bundle, mb: Math.ceil(total / 1024 ** 2) });
    return { name, out: await sink(name) };
  };
  let current: Current | undefined;
  try {
    for await (const event of events) {
      if (event.type === "entry") {
        current = await begin(event.name, event.kind, event.size);
      } else if (event.type === "data") {
        if ("kept" in current!) current.kept.push(event.data);
        else await current!.out.write(event.data);
      } else {
        const entry = current!;
        current = undefined;
        if ("kept" in entry) {
          const data = Buffer.concat(entry.kept);
          if (entry.name === "manifest.json") staged.manifestBytes = data;
          else staged.signature = data;
        } else {
          await entry.out.close();
          staged.sizes.set(entry.name, event.size);
          staged.hashes.set(entry.name, event.sha256);
        }
      }
    }
  } catch (error) {
    // A refusal is the user's one line.
    if (error instanceof UserError) throw error;
    throw integrity("bundle.damaged", bundle, {}, error);
  } finally {
    if (current !== undefined && "out" in current) await current.out.close();
  }
  return staged;
}

function check(bundle: string, staged: Staged, options: OpenOptions): VerifiedBundle {
  if (staged.manifestBytes === undefined || staged.signature === undefined) throw integrity("bundle.incomplete", bundle);
  let manifest: Manifest;
  try {
    manifest = manifestSchema.parse(JSON.parse(staged.manifestBytes.toString("utf8")));
  } catch (error) {
    throw integrity("bundle.badManifest", bundle, {}, error);
  }
  let embedded: MinisignPublicKey;
  try {
    embedded = parsePublicKey(manifest.practice.minisignPublicKey);
  } catch (error) {
    throw integrity("bundle.badManifest", bundle, {}, error);
  }
  const signer = options.signer ?? embedded;
  const signature = staged.signature.toString("utf8");
  let trustedComment: string;
  try {
    trustedComment = verify(signer, staged.manifestBytes, signature, nodeEd25519).trustedComment;
  } catch (error) {
    if (error instanceof SignatureError && error.reason === "key-mismatch") throw integrity("bundle.otherSigner", bundle, {}, error);
    throw integrity("bundle.badSignature", bundle, {}, error);
  }
  const declared = new Set(manifest.items.map((i) => i.path));
  if (declared.size !== manifest.items.length) throw integrity("bundle.badManifest", bundle);
  for (const name of staged.hashes.keys()) {
    if (!declared.has(name)) throw integrity("bundle.undeclaredEntry", bundle, { entry: name });
  }
  for (const item of manifest.items) {
    if (staged.hashes.get(item.path) !== item.sha256 || staged.sizes.get(item.path) !== item.size) {
      throw integrity("bundle.hashMismatch", bundle, { entry: item.path });
    }
  }
  return {
    manifest,
    manifestBytes: new Uint8Array(staged.manifestBytes),
    signature,
    trustedComment,
    signerTrusted: options.signer !== undefined,
  };
}

/** Run every check without writing anything anywhere. Throws IntegrityError (exit 5). */
export async function verifyBundle(bundle: string, options: OpenOptions): Promise<VerifiedBundle> {
  const nowhere: EntryOutput = { write: () => Promise.resolve(), close: () => Promise.resolve() };
  const staged = await extract(bundle, options, () => Promise.resolve(nowhere));
  return check(bundle, staged, options);
}

/** `where`: the place the user knows the output by, named if writing fails. */
async function stageInto(stage: string, bundle: string, options: OpenOptions, where: string): Promise<VerifiedBundle> {
  // A failed write is the output's problem (one line naming `where`), never damage of the bundle.
  const outputError = (error: unknown) => unwritableFile(where, error) ?? error;
  await mkdir(join(stage, "items"), { mode: 0o700 });
  const { bavail, bsize } = await statfs(stage);
  const room = bavail * bsize - ((options.limits ?? DEFAULT_LIMITS).reserveBytes ?? DEFAULT_LIMITS.reserveBytes!);
  const staged = await extract(
    bundle,
    options,
    async (name) => {
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
    room,
  );
  const verified = check(bundle, staged, options);
  const manifestFile = await openFile(join(stage, "manifest.json"), "wx", 0o600);
  await manifestFile.writeFile(verified.manifestBytes);
  await manifestFile.close();
  const sigFile = await openFile(join(stage, "manifest.json.minisig"), "wx", 0o600);
  await sigFile.writeFile(verified.signature);
  await sigFile.close();
  return verified;
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
 * Open into `target` (a folder that must not exist yet). Staging happens in a private folder
 * beside it, which becomes `target` only after every check passed.
 */
export async function openBundle(bundle: string, target: string, options: OpenOptions): Promise<OpenedBundle> {
  const destination = resolve(target);
  if (await exists(destination)) throw new UserError(ExitCode.usage, "file.exists", { file: destination });
  const outputError = (error: unknown) => (error instanceof UserError ? error : (unwritableFile(destination, error) ?? error));
  let stage: string;
  try {
    await mkdir(dirname(destination), { recursive: true });
    stage = await makePrivateTemp(".nachklang-open-", dirname(destination));
  } catch (error) {
    throw outputError(error);
  }
  try {
    const verified = await stageInto(stage, bundle, options, destination);
    await rename(stage, destination);
    untrackTemp(stage);
    await chmod(destination, 0o700);
    return opened(destination, verified);
  } catch (error) {
    await removeTemp(stage);
    throw outputError(error);
  }
}

/**
 * Open into a private temporary folder (for delivery: channels read the item files). Call
 * `dispose` when done; the folder is also removed if the process ends first.
 */
export async function openBundleToTemp(bundle: string, options: OpenOptions): Promise<OpenedBundle & { dispose(): Promise<void> }> {
  const stage = await makePrivateTemp("nachklang-open-");
  try {
    const verified = await stageInto(stage, bundle, options, stage);
    return { ...opened(stage, verified), dispose: () => removeTemp(stage) };
  } catch (error) {
    await removeTemp(stage);
    throw error;
  }
}
