/**
 * The scrypt identity with both key derivations it is used with — `node:crypto`'s (the CLI) and
 * noble's scryptAsync with progress (the viewer) — against every scrypt vector of C2SP CCTV
 * (npm `cctv-age`, from C2SP/CCTV `age/testdata/`), with age-encryption's own passphrase
 * identity run on the same vector as a second opinion, and round trips with age-encryption.
 */
import { createHash } from "node:crypto";
import { inflateSync } from "node:zlib";
import { Decrypter, Encrypter } from "age-encryption";
import * as vectors from "cctv-age";
import { describe, expect, it } from "vitest";
import { scryptAsync } from "@noble/hashes/scrypt.js";
import { nativeScrypt } from "../../src/bundle/age.js";
import { ScryptIdentity, type DeriveKey } from "../../src/bundle/scrypt-identity.js";

interface Vector {
  readonly expect: string;
  readonly payload?: string;
  readonly passphrase: string;
  readonly armored: boolean;
  readonly file: Uint8Array;
}

function parse(bytes: Uint8Array): Vector | undefined {
  const buf = Buffer.from(bytes);
  const split = buf.indexOf("\n\n");
  const fields: Record<string, string> = {};
  for (const line of buf.subarray(0, split).toString("utf8").split("\n")) fields[line.slice(0, line.indexOf(": "))] = line.slice(line.indexOf(": ") + 2);
  if (fields.passphrase === undefined) return undefined;
  const body = buf.subarray(split + 2);
  return {
    expect: fields.expect ?? "",
    passphrase: fields.passphrase,
    armored: fields.armored === "yes",
    ...(fields.payload !== undefined ? { payload: fields.payload } : {}),
    file: fields.compressed === "zlib" ? inflateSync(body) : body,
  };
}

async function outcome(file: Uint8Array, setup: (d: Decrypter) => void): Promise<{ result: string; payload?: string }> {
  const d = new Decrypter();
  setup(d);
  try {
    const plain = await d.decrypt(file);
    return { result: "success", payload: createHash("sha256").update(plain).digest("hex") };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    if (message.includes("no identity matched")) return { result: "no match" };
    if (message.includes("invalid header HMAC")) return { result: "HMAC failure" };
    return { result: "failure" };
  }
}

const scryptVectors = Object.entries(vectors as Record<string, Uint8Array>)
  .map(([name, bytes]) => [name, parse(bytes)] as const)
  .filter((entry): entry is readonly [string, Vector] => entry[1] !== undefined && !entry[1].armored);

const withProgress =
  (onProgress: (fraction: number) => void = () => undefined): DeriveKey =>
  (passphrase, salt, logN) =>
    scryptAsync(passphrase, salt, { N: 2 ** logN, r: 8, p: 1, dkLen: 32, onProgress });
const derivations: readonly (readonly [string, DeriveKey])[] = [
  ["node:crypto", nativeScrypt],
  ["noble with progress", withProgress()],
];

/** "Bis bald!" sealed by age-encryption to the passphrase k7dm-x3pa-ruvw-c6ne-ty4h. */
async function sealedGreeting(): Promise<Uint8Array> {
  const e = new Encrypter();
  e.setPassphrase("k7dm-x3pa-ruvw-c6ne-ty4h");
  e.setScryptWorkFactor(12);
  return e.encrypt("Bis bald!");
}

describe("scrypt identity", () => {
  it("covers the CCTV scrypt vectors", () => {
    expect(scryptVectors.length).toBeGreaterThanOrEqual(25);
  });

  it.each(derivations.flatMap(([how, derive]) => scryptVectors.map(([name, v]) => [name, how, v, derive] as const)))("CCTV %s (%s)", async (_name, _how, v, derive) => {
    const ours = await outcome(v.file, (d) => d.addIdentity(new ScryptIdentity(v.passphrase, derive)));
    const reference = await outcome(v.file, (d) => d.addPassphrase(v.passphrase));
    expect(ours).toEqual(reference);
    if (v.expect === "success") expect(ours).toEqual({ result: "success", payload: v.payload });
    else if (v.expect === "no match") expect(ours.result).toBe("no match");
    else if (v.expect === "HMAC failure") expect(ours.result).toBe("HMAC failure");
    else expect(ours.result).toBe("failure");
  });

  it.each(derivations)("opens what age-encryption seals to a passphrase and returns null for another (%s)", async (_how, derive) => {
    const sealed = await sealedGreeting();
    const d = new Decrypter();
    d.addIdentity(new ScryptIdentity("k7dm-x3pa-ruvw-c6ne-ty4h", derive));
    expect(new TextDecoder().decode(await d.decrypt(sealed))).toBe("Bis bald!");
    const wrong = new Decrypter();
    wrong.addIdentity(new ScryptIdentity("something else", derive));
    await expect(wrong.decrypt(sealed)).rejects.toThrow(/no identity matched/);
  });

  it("reports progress with noble's derivation", async () => {
    const sealed = await sealedGreeting();
    const seen: number[] = [];
    const d = new Decrypter();
    d.addIdentity(new ScryptIdentity("k7dm-x3pa-ruvw-c6ne-ty4h", withProgress((p) => seen.push(p))));
    expect(new TextDecoder().decode(await d.decrypt(sealed))).toBe("Bis bald!");
    expect(seen.length).toBeGreaterThan(1);
    expect(seen.at(-1)).toBe(1);
  });
});
