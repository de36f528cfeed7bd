/**
 * The keys of an unlocked keyring, held in this process: what commands use when no agent runs,
 * and what the agent itself holds to answer its clients.
 */
import { createHmac } from "node:crypto";
import { identityObject, type Identity } from "../age/index.js";
import { nodeEd25519 } from "../bundle/ed25519-node.js";
import { signPrehashed, type MinisignSigner, type PrehashedSignature } from "../bundle/signature.js";
import type { Keyring } from "./keyring.js";
import { KEYED_HASH_PURPOSES, keyedHashKey, type KeyedHashPurpose, type PracticeKeys } from "./keys.js";

/**
 * The keys of an unlocked keyring. `wipe()` overwrites what can be overwritten (the
 * signing seed, the derived hash keys); after it, every operation throws.
 */
export class KeyringKeys implements PracticeKeys {
  readonly holder = "keyring" as const;
  readonly ageRecipient: string;
  readonly keyId: string;
  readonly identity: Identity;
  readonly signer: MinisignSigner;
  readonly #seed: Uint8Array;
  readonly #hashKeys = new Map<KeyedHashPurpose, Buffer>();
  #wiped = false;

  constructor(keyring: Keyring) {
    this.ageRecipient = keyring.ageRecipient;
    this.keyId = keyring.keyId;
    this.#seed = Uint8Array.from(keyring.signing.seed);
    for (const purpose of KEYED_HASH_PURPOSES) this.#hashKeys.set(purpose, keyedHashKey(purpose, keyring.ageIdentity));
    // X25519 or hybrid post-quantum (`init --post-quantum`): the age door knows which.
    const held = identityObject(keyring.ageIdentity);
    held.catch(() => undefined);
    this.identity = {
      unwrapFileKey: (stanzas) => {
        this.#alive();
        return held.then((identity) => identity.unwrapFileKey(stanzas));
      },
    };
    const { keyId, publicKey } = keyring.signing;
    this.signer = {
      keyId: Uint8Array.from(keyId),
      publicKey: Uint8Array.from(publicKey),
      signPrehashed: (hash, comment) => settled(() => this.signPrehashed(hash, comment)),
    };
  }

  signPrehashed(hash: Uint8Array, trustedComment: string): PrehashedSignature {
    this.#alive();
    return signPrehashed(this.#seed, hash, trustedComment, nodeEd25519);
  }

  keyedHashes(purpose: KeyedHashPurpose, messages: readonly Uint8Array[]): Promise<Uint8Array[]> {
    return settled(() => this.keyedHashesNow(purpose, messages));
  }

  keyedHashesNow(purpose: KeyedHashPurpose, messages: readonly Uint8Array[]): Uint8Array[] {
    this.#alive();
    const key = this.#hashKeys.get(purpose);
    if (key === undefined) throw new Error(`unknown keyed hash purpose ${String(purpose)}`);
    return messages.map((m) => createHmac("sha256", key).update(m).digest());
  }

  /** Overwrite the seed and the hash keys; the age key (inside its identity object) goes with the process. */
  wipe(): void {
    this.#wiped = true;
    this.#seed.fill(0);
    for (const key of this.#hashKeys.values()) key.fill(0);
    this.#hashKeys.clear();
  }

  #alive(): void {
    if (this.#wiped) throw new Error("the practice keys were wiped");
  }
}

/** `work()`'s result as a promise; what it throws, as a rejection (as the agent's client would). */
function settled<T>(work: () => T): Promise<T> {
  try {
    return Promise.resolve(work());
  } catch (error) {
    return Promise.reject(error instanceof Error ? error : new Error(String(error)));
  }
}
