/**
 * Every C2SP CCTV age test vector (npm `cctv-age`, from C2SP/CCTV `age/testdata/`) through the
 * decrypt path bundles use (src/bundle/age.ts: its own header code, age-header.ts, for X25519
 * identities and passphrases, typage for the 19 hybrid post-quantum vectors), whole, in 1 KiB
 * pieces and byte by byte, as typage's testkit does. Each vector states the expected outcome and the SHA-256 of all the
 * plaintext an implementation may release, even when the payload later fails. Large bundles
 * open the payload in src/bundle/payload-thread.ts (`entriesOnWorker`, which reads the tar on
 * the worker): every vector goes through that path too, which must refuse exactly the payloads
 * the vectors call damaged (their plaintexts are not tars, so only that outcome is comparable).
 */
import { createHash } from "node:crypto";
import { Readable } from "node:stream";
import { inflateSync } from "node:zlib";
import * as vectors from "cctv-age";
import { describe, expect, it } from "vitest";
import { AgeError, decryptAge, decryptHeader, type AgeFailure } from "../../src/bundle/age.js";
import { entriesOnWorker } from "../../src/bundle/payload-thread.js";
import { PayloadError } from "../../src/bundle/payload.js";

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
    for await (const chunk of out) hash.update(chunk as Buffer);
    return { outcome: "success", payload: hash.digest("hex") };
  } catch (error) {
    if (!(error instanceof AgeError)) throw error;
    return { outcome: OUTCOME[error.kind], payload: hash.digest("hex") };
  }
}

/** The outcome through entriesOnWorker: a header failure as above, a damaged payload, or anything else the tar reader made of the plaintext. */
async function runOnWorker(v: Vector, size: number): Promise<string> {
  let header;
  try {
    header = await decryptHeader(pieces(v.file, size), { identities: v.identities, passphrases: v.passphrases }, { armored: v.armored });
  } catch (error) {
    if (!(error instanceof AgeError)) throw error;
    return OUTCOME[error.kind];
  }
  try {
    for await (const event of entriesOnWorker(header.payload, header.key)) void event;
    return "payload read";
  } catch (error) {
    return error instanceof PayloadError ? OUTCOME.payload : "payload read";
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
          // Byte by byte is slow for the few vectors with large payloads; 7 bytes still splits every boundary differently.
          const size = mode[1] === 1 && v.file.length > 100_000 ? 7 : mode[1];
          const result = await run(v, size);
          expect(result.outcome).toBe(v.expect);
          if (v.payload !== undefined && (v.expect === "success" || v.expect === "payload failure")) {
            expect(result.payload).toBe(v.payload);
          }
        });
      }
    });
  }
  describe("payload opened for the worker's tar reader, 1 KiB pieces", () => {
    for (const v of all) {
      it(`${v.name}: ${v.expect}`, async () => {
        const outcome = await runOnWorker(v, 1024);
        expect(outcome).toBe(v.expect === "success" ? "payload read" : v.expect);
      });
    }
  });
});
