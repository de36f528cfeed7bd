/**
 * Opening and verifying bundles, all or nothing: decrypt, stage into a private folder, check
 * every path, every hash and the signature, and only then move the result into place. Nothing
 * unauthenticated is ever released: a bundle that fails any check leaves nothing behind.
 */
import { mkdir, open as openFile, rename, chmod, statfs } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { IntegrityError, UserError, ExitCode, unreadableFile, unwritableFile } from "../errors.js";
import type { MessageKey } from "../messages/index.js";
import type { OpenedFollowUp } from "../channels/contract.js";
import { makePrivateTemp, removeTemp, untrackTemp } from "../temp.js";
import { exists, writevFully } from "../practice/home.js";
import { AgeError, decryptAge, decryptHeader, READ_CHUNK, type AgeKeys } from "./age.js";
import { readEntries, type EntryEvent } from "./entries.js";
import { manifestSchema, type Manifest } from "./manifest.js";
import { entriesOnWorker, PayloadThreadError, type EntryTarget } from "./payload-thread.js";
import { reachesWorkerSize } from "./worker-spare.js";
import { parsePublicKey, SignatureError, verify, type MinisignPublicKey } from "./signature.js";
import { nodeEd25519 } from "./ed25519-node.js";

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
  /** Decrypt and read the tar on the payload worker; by default for bundles from WORKER_FROM_BYTES. */
  readonly onWorker?: boolean;
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
  /** The next pieces, in order. */
  write(pieces: readonly Buffer[]): Promise<void>;
  close(): Promise<void>;
  /** The open file behind `write`: the payload worker may write the entry's data to it itself, until `close`. */
  readonly fd?: number;
  /** `write` keeps nothing: the payload worker need not send the data at all. */
  readonly discards?: boolean;
}

/** Where staged entries go: a folder on disk, or nowhere. */
type Sink = (name: string) => Promise<EntryOutput>;

interface Staged {
  readonly sizes: Map<string, number>;
  readonly hashes: Map<string, string>;
  manifestBytes?: Buffer;
  signature?: Buffer;
}

/**
 * The bundle file in READ_CHUNK pieces, read into two buffers in turn (the next read runs while
 * the current piece is decrypted). Each piece is valid until the next one is asked for, which is
 * how decryptAge and entriesOnWorker consume their input.
 */
async function* readChunks(path: string): AsyncGenerator<Buffer> {
  const handle = await openFile(path, "r");
  try {
    const buffers = [Buffer.allocUnsafeSlow(READ_CHUNK), Buffer.allocUnsafeSlow(READ_CHUNK)];
    let turn = 0;
    let next = handle.read(buffers[0]!, 0, READ_CHUNK, null);
    for (;;) {
      const { bytesRead, buffer } = await next;
      if (bytesRead === 0) return;
      turn ^= 1;
      next = handle.read(buffers[turn]!, 0, READ_CHUNK, null);
      // If the reader stops here, this read's failure must not become an unhandled rejection.
      next.catch(() => {});
      yield buffer.subarray(0, bytesRead);
    }
  } finally {
    await handle.close();
  }
}

/** Whether opening `bundle` reads it on the payload worker: by its size (false if it cannot be read: opening reports that). */
export async function opensOnWorker(bundle: string): Promise<boolean> {
  return reachesWorkerSize([bundle]);
}

/**
 * The bundle's entries, read in this thread, or (large bundles) on the payload worker: then
 * `place` must say after each entry event where its data goes, and the worker writes it there.
 */
interface Entries {
  readonly events: AsyncIterable<EntryEvent>;
  readonly place?: (target: EntryTarget) => void;
}

async function entriesOf(bundle: string, options: OpenOptions): Promise<Entries> {
  try {
    if (options.onWorker ?? (await opensOnWorker(bundle))) {
      const { key, payload } = await decryptHeader(readChunks(bundle), options.keys);
      const events = entriesOnWorker(payload, key, true);
      return { events, place: (target) => events.place(target) };
    }
    return { events: readEntries(await decryptAge(readChunks(bundle), options.keys)) };
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
  const { events, place } = await entriesOf(bundle, options);
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
        // On the worker: staged items are written there, directly into the file opened here.
        place?.("kept" in current ? "back" : current.out.fd !== undefined ? { fd: current.out.fd } : current.out.discards === true ? "drop" : "back");
      } else if (event.type === "data") {
        if ("kept" in current!) current.kept.push(...event.pieces);
        else await current!.out.write(event.pieces);
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
    // A refusal is the user's one line; a failed worker is a fault here, not a damaged bundle.
    if (error instanceof UserError || error instanceof PayloadThreadError) throw error;
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
  const nowhere: EntryOutput = { write: () => Promise.resolve(), close: () => Promise.resolve(), discards: true };
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
        write: (pieces) =>
          writevFully(handle, pieces).catch((error: unknown) => {
            throw outputError(error);
          }),
        close: () => handle.close(),
        fd: handle.fd,
      };
    },
    room,
  ).catch((error: unknown) => {
    // The payload worker failed with a system error: in opening, it only writes staged items.
    throw error instanceof PayloadThreadError ? outputError(error) : error;
  });
  const verified = check(bundle, staged, options);
  const manifestFile = await openFile(join(stage, "manifest.json"), "wx", 0o600);
  await manifestFile.writeFile(verified.manifestBytes);
  await manifestFile.close();
  const sigFile = await openFile(join(stage, "manifest.json.minisig"), "wx", 0o600);
  await sigFile.writeFile(verified.signature);
  await sigFile.close();
  return verified;
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
