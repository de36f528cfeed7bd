/** The practice's keys in this process, made from a fresh or given age identity (no keyring file). */
import { randomBytes } from "node:crypto";
import { fromStored, type Keyring } from "../../src/practice/keyring.js";
import { KeyringKeys } from "../../src/practice/keyring-keys.js";
import { generateIdentity } from "../../src/age/index.js";

export async function keyringFor(ageIdentity: string = generateIdentity()): Promise<Keyring> {
  return fromStored({ ageIdentity, signing: { seed: randomBytes(32).toString("hex"), keyId: randomBytes(8).toString("hex") } });
}

export async function keysFor(ageIdentity?: string): Promise<KeyringKeys> {
  return new KeyringKeys(await keyringFor(ageIdentity));
}
