/**
 * Passphrase files both ways nachklang opens them — the CLI's scrypt identity (src/age/
 * recipients.ts, OpenSSL's scrypt) and the viewer page's door (src/age/web.ts, noble's
 * scryptAsync with progress) — against every scrypt vector of C2SP CCTV (npm `cctv-age`, from
 * C2SP/CCTV `age/testdata/`), with age-encryption's own passphrase identity run on the same
 * vector as a second opinion, and round trips with age-encryption.
 */
import { createHash } from "node:crypto";
import { inflateSync } from "node:zlib";
import { Decrypter, Encrypter } from "age-encryption";
import * as vectors from "cctv-age";
import { describe, expect, it } from "vitest";
import { ScryptIdentity } from "../../src/age/recipients.js";
import { decryptWithPassphrase, WebAgeError } from "../../src/age/web.js";

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

/** The two ways nachklang opens a passphrase file: the CLI's identity (OpenSSL's scrypt) and the viewer page's door (noble's, with progress). */
const ways: readonly (readonly [string, (file: Uint8Array, passphrase: string) => Promise<{ result: string; payload?: string }>])[] = [
  ["CLI", (file, passphrase) => outcome(file, (d) => d.addIdentity(new ScryptIdentity(passphrase)))],
  [
    "viewer page",
    async (file, passphrase) => {
      try {
        const plain = await decryptWithPassphrase(file, passphrase, () => undefined);
        return { result: "success", payload: createHash("sha256").update(plain).digest("hex") };
      } catch (error) {
        if (!(error instanceof WebAgeError)) throw error;
        return { result: error.kind === "wrong-passphrase" ? "no match" : "failure" };
      }
    },
  ],
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

  it.each(ways.flatMap(([how, open]) => scryptVectors.map(([name, v]) => [name, how, v, open] as const)))("CCTV %s (%s)", async (_name, how, v, open) => {
    const ours = await open(v.file, v.passphrase);
    const reference = await outcome(v.file, (d) => d.addPassphrase(v.passphrase));
    // The page tells a wrong passphrase from damage, nothing finer.
    expect(ours).toEqual(how === "viewer page" && reference.result === "HMAC failure" ? { result: "failure" } : reference);
    if (v.expect === "success") expect(ours).toEqual({ result: "success", payload: v.payload });
    else if (v.expect === "no match") expect(ours.result).toBe("no match");
    else if (v.expect === "HMAC failure" && how === "CLI") expect(ours.result).toBe("HMAC failure");
    else expect(ours.result).toBe("failure");
  });

  it.each(ways)("opens what age-encryption seals to a passphrase and refuses another (%s)", async (_how, open) => {
    const sealed = await sealedGreeting();
    expect(await open(sealed, "k7dm-x3pa-ruvw-c6ne-ty4h")).toEqual({ result: "success", payload: createHash("sha256").update("Bis bald!").digest("hex") });
    expect(await open(sealed, "something else")).toEqual({ result: "no match" });
  });

  it("the viewer page reports scrypt's progress", async () => {
    const sealed = await sealedGreeting();
    const seen: number[] = [];
    expect(new TextDecoder().decode(await decryptWithPassphrase(sealed, "k7dm-x3pa-ruvw-c6ne-ty4h", (p) => seen.push(p)))).toBe("Bis bald!");
    expect(seen.length).toBeGreaterThan(1);
    expect(seen.at(-1)).toBe(1);
  });
});
