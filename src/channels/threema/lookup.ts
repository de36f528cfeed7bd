/**
 * Hashes for the Gateway's privacy-preserving ID lookups (`/lookup/phone_hash/…`,
 * `/lookup/email_hash/…`): HMAC-SHA256 with fixed, published keys, so the Gateway never sees
 * the phone number or address itself.
 */
import { hmac } from "@noble/hashes/hmac.js";
import { sha256 } from "@noble/hashes/sha2.js";
import { fromHex, toHex } from "./crypto.js";

const PHONE_KEY = fromHex("85adf8226953f3d96cfd5d09bf29555eb955fcd8aa5ec4f9fcd869e258370723");
const EMAIL_KEY = fromHex("30a5500fed9701fa6defdb610841900febb8e430881f7ad816826264ec09bad7");

/** Phone numbers are hashed as their E.164 digits without `+`, spaces or dashes. */
export function phoneHash(phone: string): string {
  return toHex(hmac(sha256, PHONE_KEY, new TextEncoder().encode(phone.replace(/[^0-9]/g, ""))));
}

/** E-mail addresses are hashed trimmed and lower-cased. */
export function emailHash(email: string): string {
  return toHex(hmac(sha256, EMAIL_KEY, new TextEncoder().encode(email.trim().toLowerCase())));
}
