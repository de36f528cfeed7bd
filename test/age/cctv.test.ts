/**
 * Every C2SP CCTV age test vector (npm `cctv-age`, from C2SP/CCTV `age/testdata/`) through the
 * age door's decrypt path (src/age/: its own header code for X25519 identities and
 * passphrases, typage for the 19 hybrid post-quantum vectors, its streaming armor decoder),
 * whole, in 1 KiB pieces and byte by byte, as typage's testkit does. Each vector states the
 * expected outcome and the SHA-256 of all the plaintext an implementation may release, even
 * when the payload later fails.
 */
import { createHash } from "node:crypto";
import { Readable } from "node:stream";
import { inflateSync } from "node:zlib";
import * as vectors from "cctv-age";
import { describe, expect, it } from "vitest";
import { AgeError, decryptAge, type AgeFailure } from "../../src/age/index.js";

interface Vector {
  readonly name: string;
  readonly expect: string;
  readonly payload?: string;
  readonly identities: string[];
  readonly passphrases: string[];
  readonly armored: boolean;
  readonly file: Uint8Array;
}

function parse(name: string, bytes: Uint8Array): Vector {
  const buf = Buffer.from(bytes);
  const split = buf.indexOf("\n\n");
  const v: Vector = { name, expect: "", identities: [], passphrases: [], armored: false, file: new Uint8Array() };
  let compressed = false;
  const fields: Record<string, string> = {};
  for (const line of buf.subarray(0, split).toString("utf8").split("\n")) {
    const i = line.indexOf(": ");
    const key = line.slice(0, i);
    const value = line.slice(i + 2);
    if (key === "identity") v.identities.push(value);
    else if (key === "passphrase") v.passphrases.push(value);
    else if (key === "compressed") compressed = value === "zlib";
    else fields[key] = value;
  }
  const body = buf.subarray(split + 2);
  return {
    ...v,
    expect: fields.expect ?? "",
    armored: fields.armored === "yes",
    payload: fields.payload,
    file: compressed ? inflateSync(body) : body,
  };
}

const OUTCOME: Record<AgeFailure, string> = {
  armor: "armor failure",
  header: "header failure",
  "no-match": "no match",
  hmac: "HMAC failure",
  payload: "payload failure",
};

function pieces(bytes: Uint8Array, size: number): Readable {
  const parts: Uint8Array[] = [];
  for (let i = 0; i < bytes.length; i += size) parts.push(bytes.subarray(i, Math.min(bytes.length, i + size)));
  return Readable.from(parts, { objectMode: true });
}

async function run(v: Vector, size: number): Promise<{ outcome: string; payload: string }> {
  const hash = createHash("sha256");
  try {
    const out = await decryptAge(pieces(v.file, size), { identities: v.identities, passphrases: v.passphrases }, { armored: v.armored });
    for await (const chunk of out) hash.update(chunk);
    return { outcome: "success", payload: hash.digest("hex") };
  } catch (error) {
    if (!(error instanceof AgeError)) throw error;
    return { outcome: OUTCOME[error.kind], payload: hash.digest("hex") };
  }
}

const all = Object.entries(vectors as Record<string, Uint8Array>).map(([name, bytes]) => parse(name, bytes));

describe("C2SP CCTV age vectors", () => {
  it("are all there", () => {
    expect(all.length).toBe(143);
  });
  for (const mode of [
    ["whole", 1 << 30],
    ["1 KiB pieces", 1024],
    ["byte by byte", 1],
  ] as const) {
    describe(mode[0], () => {
      for (const v of all) {
        it(`${v.name}: ${v.expect}`, async () => {
          // Byte by byte is slow for the few vectors with large payloads (up to 16 MiB); pieces of a
          // prime size (1021 bytes) still cut every header, chunk and armor-line boundary at a new offset.
          const size = mode[1] === 1 && v.file.length > 100_000 ? 1021 : mode[1];
          const result = await run(v, size);
          expect(result.outcome).toBe(v.expect);
          if (v.payload !== undefined && (v.expect === "success" || v.expect === "payload failure")) {
            expect(result.payload).toBe(v.payload);
          }
        });
      }
    });
  }
});
