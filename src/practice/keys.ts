/**
 * The practice's keys as commands use them, wherever the secret halves are held: in this process
 * (the keyring, unlocked with the passphrase) or in the agent (`nachklang unlock`, src/agent/).
 * Commands, the workflow, the media cache and the ledger see only this interface, so they work
 * the same either way, and nothing here hands out a private key. The keyring's implementation
 * is `KeyringKeys` (keyring-keys.ts); the agent's client is `AgentKeys` (src/agent/client.ts).
 */
import { createHash, hkdfSync } from "node:crypto";
import type { Identity } from "../age/index.js";
import type { MinisignSigner } from "../bundle/signature.js";

/**
 * What a keyed hash is for. Each purpose has its own key, derived from the practice's age
 * identity, so a hash is meaningless without the identity and the purposes cannot be confused:
 * - `ledger-client-tag`: clients in the ledger (src/delivery/client-tag.ts);
 * - `media-cache-name`: the media cache's file names (src/media/cache.ts);
 * - `batch-followup-key`: batch entries' follow-up keys in the ledger and outbox (src/followup/keys.ts);
 * - `inbox-message-id`: a client's message in the inbox and the ledger (src/inbox/store.ts).
 */
export type KeyedHashPurpose = "ledger-client-tag" | "media-cache-name" | "batch-followup-key" | "inbox-message-id";
export const KEYED_HASH_PURPOSES: readonly KeyedHashPurpose[] = ["ledger-client-tag", "media-cache-name", "batch-followup-key", "inbox-message-id"];

export interface PracticeKeys {
  /** Where the secret halves are: this process's keyring, or the agent. */
  readonly holder: "keyring" | "agent";
  /** The practice's age recipient (`age1…`): what its own files are sealed to. */
  readonly ageRecipient: string;
  /** The minisign key id as minisign prints it (16 hex digits). */
  readonly keyId: string;
  /**
   * Finds file keys in stanzas addressed to the practice (for `AgeKeys.identities`). Returns
   * null when no stanza is the practice's; throws for a malformed X25519 stanza, as the
   * reference implementation does.
   */
  readonly identity: Identity;
  /** Signs manifests: the public key here, the secret where the keys are held. */
  readonly signer: MinisignSigner;
  /**
   * HMAC-SHA-256 of each message under the purpose's key (32 bytes each, in order). The key is
   * derived from the age identity and never leaves where the keys are held.
   */
  keyedHashes(purpose: KeyedHashPurpose, messages: readonly Uint8Array[]): Promise<Uint8Array[]>;
}

const te = new TextEncoder();

/**
 * The key of a purpose, from the identity string. These derivations are what existing ledgers
 * and media caches were made with; changing one orphans them.
 */
export function keyedHashKey(purpose: KeyedHashPurpose, ageIdentity: string): Buffer {
  switch (purpose) {
    case "ledger-client-tag":
      return identityKey(ageIdentity, "nachklang ledger client tag v1");
    case "media-cache-name":
      return createHash("sha256").update("nachklang-media-cache/1 names\0").update(ageIdentity).digest();
    case "batch-followup-key":
      return identityKey(ageIdentity, "nachklang batch follow-up key v1");
    case "inbox-message-id":
      return identityKey(ageIdentity, "nachklang inbox message id v1");
  }
}

/** A 32-byte key for one use (`info`) of an identity: HKDF-SHA-256 of the identity string, no salt. */
export function identityKey(identity: string, info: string): Buffer {
  return Buffer.from(hkdfSync("sha256", te.encode(identity), new Uint8Array(0), te.encode(info), 32));
}
