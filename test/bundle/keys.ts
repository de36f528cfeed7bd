/** In-memory practice keys and small helpers for the bundle tests (no CLI, no keyring file). */
import { readdir } from "node:fs/promises";
import { createReadStream } from "node:fs";
import { Readable } from "node:stream";
import { generateX25519Identity, identityToRecipient } from "age-encryption";
import { formatKeyId, generateSigningKey, type MinisignSecretKey } from "../../src/bundle/signature.js";
import { nobleEd25519 } from "../../src/bundle/ed25519-noble.js";
import { encryptAge } from "../../src/age/index.js";
import { sealBundle, type SealItem, type SealedBundle } from "../../src/bundle/seal.js";

export interface TestPractice {
  readonly identity: string;
  readonly recipient: string;
  readonly signing: MinisignSecretKey;
  readonly keyId: string;
}

export async function newPractice(): Promise<TestPractice> {
  const identity = await generateX25519Identity();
  const signing = generateSigningKey(nobleEd25519);
  return { identity, recipient: await identityToRecipient(identity), signing, keyId: formatKeyId(signing.keyId) };
}

export function seal(practice: TestPractice, items: readonly SealItem[], outDir: string, message = "See you soon"): Promise<SealedBundle> {
  return sealBundle({
    items,
    message,
    client: "k042",
    lang: "en",
    practice: { name: "Praxis Test", ageRecipient: practice.recipient, keyId: practice.keyId, signing: practice.signing },
    outDir,
  });
}

export async function collect(stream: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(Buffer.from(c));
  return Buffer.concat(chunks);
}

/** Encrypt bytes to age recipients with our streaming encrypter. */
export function encryptBytes(data: Uint8Array, recipients: readonly string[]): Promise<Buffer> {
  return collect(encryptAge(Readable.from([data]), recipients));
}

export function fileStream(path: string): AsyncIterable<Uint8Array> {
  return createReadStream(path) as AsyncIterable<Uint8Array>;
}

/** Every entry below `dir`, relative, sorted (to show that nothing was written). */
export async function listTree(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true });
  return entries.map(String).sort();
}
