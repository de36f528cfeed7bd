/**
 * The CLI's Ed25519 on node:crypto against RFC 8032 §7.1 (TEST 1–3), and against noble on
 * random keys and messages: the same public keys, the very same signatures (Ed25519 is
 * deterministic), each accepting the other's signatures and refusing altered ones.
 */
import { randomBytes } from "node:crypto";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { nodeEd25519 } from "../../src/bundle/ed25519-node.js";
import { nobleEd25519 } from "../../src/bundle/ed25519-noble.js";

const hex = (text: string) => new Uint8Array(Buffer.from(text, "hex"));
const RFC8032 = [
  {
    name: "TEST 1",
    seed: "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60",
    publicKey: "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a",
    message: "",
    signature: "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b",
  },
  {
    name: "TEST 2",
    seed: "4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb",
    publicKey: "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c",
    message: "72",
    signature: "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00",
  },
  {
    name: "TEST 3",
    seed: "c5aa8df43f9f837bedb7442f31dcb7b166d38535076f094b85ce3a2e0b4458f7",
    publicKey: "fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025",
    message: "af82",
    signature: "6291d657deec24024827e69c3abe01a30ce548a284743a445e3680d7db5ac3ac18ff9b538d16f290ae67f760984dc6594a7c15e9716ed28dc027beceea1ec40a",
  },
];

describe("Ed25519 on node:crypto", () => {
  it.each(RFC8032)("RFC 8032 $name", (v) => {
    for (const ed of [nodeEd25519, nobleEd25519]) {
      expect(Buffer.from(ed.getPublicKey(hex(v.seed))).toString("hex")).toBe(v.publicKey);
      expect(Buffer.from(ed.sign(hex(v.message), hex(v.seed))).toString("hex")).toBe(v.signature);
      expect(ed.verify(hex(v.signature), hex(v.message), hex(v.publicKey))).toBe(true);
    }
  });

  it("makes noble's keys and signatures, and each side accepts the other's and refuses altered ones", () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 32, maxLength: 32 }), fc.uint8Array({ maxLength: 300 }), fc.nat(), (seed, message, at) => {
        const publicKey = nodeEd25519.getPublicKey(seed);
        expect(publicKey).toEqual(nobleEd25519.getPublicKey(seed));
        const signature = nodeEd25519.sign(message, seed);
        expect(signature).toEqual(nobleEd25519.sign(message, seed));
        expect(nodeEd25519.verify(signature, message, publicKey)).toBe(true);
        expect(nobleEd25519.verify(signature, message, publicKey)).toBe(true);
        const altered = signature.slice();
        altered[at % 64]! ^= 1 << at % 8;
        expect(nodeEd25519.verify(altered, message, publicKey)).toBe(false);
        expect(nobleEd25519.verify(altered, message, publicKey)).toBe(false);
      }),
      { numRuns: 200 },
    );
  });

  it("refuses a public key that is no point on the curve and wrong lengths, without throwing", () => {
    const seed = randomBytes(32);
    const signature = nodeEd25519.sign(new Uint8Array([1]), seed);
    // y = 2 is not the y-coordinate of any curve point (x² would have to be a non-square).
    const notAPoint = new Uint8Array(32);
    notAPoint[0] = 2;
    expect(nobleEd25519.verify(signature, new Uint8Array([1]), notAPoint)).toBe(false);
    expect(nodeEd25519.verify(signature, new Uint8Array([1]), notAPoint)).toBe(false);
    expect(nodeEd25519.verify(signature.subarray(1), new Uint8Array([1]), nodeEd25519.getPublicKey(seed))).toBe(false);
    expect(nodeEd25519.verify(signature, new Uint8Array([1]), new Uint8Array(31))).toBe(false);
  });
});
