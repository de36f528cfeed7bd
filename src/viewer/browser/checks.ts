/**
 * What the offline viewer checks after decrypting, before anything is shown: the tar holds
 * exactly `manifest.json`, `manifest.json.minisig` and the manifest's items, as regular files,
 * once each; the signature verifies with the practice key embedded in the page; the manifest
 * is well-formed and names that key; every item has its stated size and SHA-256.
 * Platform-neutral (bundled into the page, and unit-tested in Node).
 */
import { sha256 } from "@noble/hashes/sha2.js";
import { unpackTar } from "modern-tar";
import { manifestSchema, type Manifest, type ManifestItem } from "../../bundle/manifest.js";
import { formatKeyId, parsePublicKey, verify, type MinisignPublicKey } from "../../bundle/signature.js";
import { nobleEd25519 } from "../../bundle/ed25519-noble.js";

export type RefusalReason = "structure" | "signature" | "manifest" | "item";

/** The decrypted content is not what the practice signed: nothing of it may be shown. */
export class ViewerRefusal extends Error {
  constructor(
    readonly reason: RefusalReason,
    detail: string,
  ) {
    super(`${reason}: ${detail}`);
    this.name = "ViewerRefusal";
  }
}

export interface CheckedItem {
  readonly item: ManifestItem;
  readonly data: Uint8Array;
}

export interface CheckedFollowUp {
  readonly manifest: Manifest;
  readonly items: readonly CheckedItem[];
  readonly keyId: string;
}

const MANIFEST = "manifest.json";
const SIGNATURE = "manifest.json.minisig";
const NAME = /^(?:manifest\.json|manifest\.json\.minisig|items\/[^/\\\0]+)$/;

function hex(bytes: Uint8Array): string {
  let s = "";
  for (const b of bytes) s += b.toString(16).padStart(2, "0");
  return s;
}

function parsePublicKeyLine(line: string): string {
  try {
    return hex(parsePublicKey(line).publicKey);
  } catch {
    return "";
  }
}

export async function checkViewerArchive(tar: Uint8Array, key: MinisignPublicKey): Promise<CheckedFollowUp> {
  let entries;
  try {
    entries = await unpackTar(tar, { strict: true });
  } catch (error) {
    throw new ViewerRefusal("structure", `unreadable tar (${String(error)})`);
  }
  const files = new Map<string, Uint8Array>();
  for (const { header, data } of entries) {
    const type = header.type ?? "file";
    if (type !== "file" || data === undefined) throw new ViewerRefusal("structure", `${header.name}: not a regular file`);
    const name = header.name;
    if (!NAME.test(name) || name === "items/." || name === "items/..") throw new ViewerRefusal("structure", `${name}: path not allowed`);
    if (files.has(name)) throw new ViewerRefusal("structure", `${name}: appears twice`);
    if (data.length !== header.size) throw new ViewerRefusal("structure", `${name}: truncated`);
    files.set(name, data);
  }
  const manifestBytes = files.get(MANIFEST);
  const signature = files.get(SIGNATURE);
  if (manifestBytes === undefined || signature === undefined) throw new ViewerRefusal("structure", "manifest or signature missing");

  // The signature covers the exact bytes; nothing is parsed before it verifies.
  let keyId: string;
  try {
    keyId = verify(key, manifestBytes, new TextDecoder("utf-8", { fatal: true }).decode(signature), nobleEd25519).keyId;
  } catch (error) {
    throw new ViewerRefusal("signature", String(error));
  }

  let manifest: Manifest;
  try {
    manifest = manifestSchema.parse(JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(manifestBytes)));
  } catch (error) {
    throw new ViewerRefusal("manifest", String(error));
  }
  if (manifest.practice.keyId !== formatKeyId(key.keyId) || parsePublicKeyLine(manifest.practice.minisignPublicKey) !== hex(key.publicKey)) {
    throw new ViewerRefusal("manifest", "names another practice key");
  }

  const items: CheckedItem[] = [];
  const expected = new Set([MANIFEST, SIGNATURE]);
  for (const item of manifest.items) {
    if (expected.has(item.path)) throw new ViewerRefusal("manifest", `${item.path}: listed twice`);
    expected.add(item.path);
    const data = files.get(item.path);
    if (data === undefined) throw new ViewerRefusal("item", `${item.path}: missing`);
    if (data.length !== item.size) throw new ViewerRefusal("item", `${item.path}: size differs`);
    if (hex(sha256(data)) !== item.sha256) throw new ViewerRefusal("item", `${item.path}: SHA-256 differs`);
    items.push({ item, data });
  }
  for (const name of files.keys()) if (!expected.has(name)) throw new ViewerRefusal("structure", `${name}: not in the manifest`);
  return { manifest, items, keyId };
}
