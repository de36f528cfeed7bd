/**
 * The viewer's progress-reporting scrypt identity against every scrypt vector of C2SP CCTV
 * (npm `cctv-age`, from C2SP/CCTV `age/testdata/`), with age-encryption's own passphrase
 * identity run on the same vector as a second opinion, and round trips with age-encryption.
 */
import { createHash } from "node:crypto";
import { inflateSync } from "node:zlib";
import { Decrypter, Encrypter } from "age-encryption";
import * as vectors from "cctv-age";
import { describe, expect, it } from "vitest";
import { ProgressScryptIdentity } from "../../src/viewer/browser/scrypt-identity.js";

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

describe("viewer scrypt identity", () => {
  it("covers the CCTV scrypt vectors", () => {
    expect(scryptVectors.length).toBeGreaterThanOrEqual(25);
  });

  it.each(scryptVectors)("CCTV %s", async (_name, v) => {
    const ours = await outcome(v.file, (d) => d.addIdentity(new ProgressScryptIdentity(v.passphrase)));
    const reference = await outcome(v.file, (d) => d.addPassphrase(v.passphrase));
    expect(ours).toEqual(reference);
    if (v.expect === "success") expect(ours).toEqual({ result: "success", payload: v.payload });
    else if (v.expect === "no match") expect(ours.result).toBe("no match");
    else if (v.expect === "HMAC failure") expect(ours.result).toBe("HMAC failure");
    else expect(ours.result).toBe("failure");
  });

  it("opens what age-encryption seals to a passphrase, reports progress, and returns null for another", async () => {
    const e = new Encrypter();
    e.setPassphrase("k7dm-x3pa-ruvw-c6ne-ty4h");
    e.setScryptWorkFactor(12);
    const sealed = await e.encrypt("Bis bald!");
    const seen: number[] = [];
    const d = new Decrypter();
    d.addIdentity(new ProgressScryptIdentity("k7dm-x3pa-ruvw-c6ne-ty4h", (p) => seen.push(p)));
    expect(new TextDecoder().decode(await d.decrypt(sealed))).toBe("Bis bald!");
    expect(seen.length).toBeGreaterThan(1);
    expect(seen.at(-1)).toBe(1);
    const wrong = new Decrypter();
    wrong.addIdentity(new ProgressScryptIdentity("something else"));
    await expect(wrong.decrypt(sealed)).rejects.toThrow(/no identity matched/);
  });
});
