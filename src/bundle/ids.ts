/**
 * Bundle ids: 26 lower-case Crockford base32 characters, 48 bits of milliseconds then 80 random
 * bits (the ULID layout), so ids sort by creation time and say nothing about the client.
 */
import { randomBytes } from "node:crypto";

const ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz";

export function newBundleId(now: Date = new Date()): string {
  let time = now.getTime();
  let head = "";
  for (let i = 0; i < 10; i++) {
    head = ALPHABET[time % 32]! + head;
    time = Math.floor(time / 32);
  }
  const random = randomBytes(10);
  let bits = 0n;
  for (const b of random) bits = (bits << 8n) | BigInt(b);
  let tail = "";
  for (let i = 0; i < 16; i++) {
    tail = ALPHABET[Number(bits & 31n)]! + tail;
    bits >>= 5n;
  }
  return head + tail;
}

export const BUNDLE_FILE = /^([0-9a-z]{26})\.age$/;
