/**
 * The age door's own header and recipients (src/age/format.ts, recipients.ts) against the
 * reference: every C2SP CCTV vector for X25519 identities and passphrases straight through its
 * parser and unwrapping (the full decrypt path runs them in cctv.test.ts); typage opens what it
 * writes and it opens what typage writes, for any plaintext and one to three recipients; its
 * recipients are typage's; malformed stanzas are refused as the reference refuses them; and the
 * recipient types it leaves to typage (hybrid post-quantum) still seal and open through the door.
 */
import { inflateSync } from "node:zlib";
import * as vectors from "cctv-age";
import fc from "fast-check";
import { Decrypter, Encrypter, armor, generateHybridIdentity, generateX25519Identity as typageIdentity, identityToRecipient } from "age-encryption";
import { bech32 } from "@scure/base";
import { describe, expect, it } from "vitest";
import { AgeError, decryptBytes, encryptBytes, encryptWithPassphrase, identityToRecipient as ourRecipient } from "../../src/age/index.js";
import { encodeHeader, parseHeader, unwrapHeader, type Identity, type Stanza } from "../../src/age/format.js";
import { ScryptIdentity, X25519Identity, generateX25519Identity, wrapForX25519 } from "../../src/age/recipients.js";

const open = (file: Uint8Array, keys: { identities?: string[]; passphrases?: string[] }): Promise<Buffer> => decryptBytes(file, keys);
const x25519Recipient = (identity: string): string => new X25519Identity(identity).recipient;
const typageOpen = async (file: Uint8Array, key: string, passphrase = false): Promise<Uint8Array> => {
  const d = new Decrypter();
  if (passphrase) d.addPassphrase(key);
  else d.addIdentity(key);
  return d.decrypt(file);
};
const typageSeal = async (plaintext: Uint8Array, recipients: readonly string[]): Promise<Uint8Array> => {
  const e = new Encrypter();
  for (const r of recipients) e.addRecipient(r);
  return e.encrypt(plaintext);
};

/** The class of a header refusal, as the CCTV vectors name them. */
function outcome(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  if (/no identity matched/.test(message)) return "no match";
  if (/invalid header HMAC/.test(message)) return "HMAC failure";
  return "header failure";
}

describe("CCTV vectors through format.ts and recipients.ts alone (X25519 identities and passphrases)", () => {
  const cases = Object.entries(vectors as Record<string, Uint8Array>).flatMap(([name, bytes]) => {
    const raw = Buffer.from(bytes);
    const split = raw.indexOf("\n\n");
    const fields = raw.subarray(0, split).toString("utf8").split("\n");
    const value = (key: string) => fields.filter((l) => l.startsWith(`${key}: `)).map((l) => l.slice(key.length + 2));
    const identities = value("identity");
    if (identities.some((i) => !i.startsWith("AGE-SECRET-KEY-1"))) return [];
    const body = raw.subarray(split + 2);
    const file = value("compressed")[0] === "zlib" ? inflateSync(body) : body;
    return [{ name, expect: value("expect")[0]!, identities, passphrases: value("passphrase"), armored: value("armored")[0] === "yes", file }];
  });

  it("leave 124 vectors to this code (the 19 hybrid ones are typage's)", () => {
    expect(cases.length).toBe(124);
  });
  for (const v of cases) {
    it(`${v.name}: ${v.expect}`, async () => {
      let result: string;
      let file: Uint8Array = v.file;
      try {
        // Armor is decoded by typage here (the door's streaming decoder runs in cctv.test.ts).
        if (v.armored) file = armor.decode(Buffer.from(v.file).toString("latin1"));
      } catch {
        expect("armor failure").toBe(v.expect);
        return;
      }
      try {
        // The header is everything up to the newline after the first "\n---" (as format.ts cuts it).
        const marker = Buffer.from(file).indexOf("\n---");
        const end = marker < 0 ? -1 : file.indexOf(0x0a, marker + 1);
        // No header end, or no 16-byte payload nonce after it: the door refuses the header.
        if (end < 0 || file.length < end + 1 + 16) throw new Error("truncated header");
        const parsed = parseHeader(file.subarray(0, end + 1));
        const identities: Identity[] = v.identities.map((i) => new X25519Identity(i));
        for (const p of v.passphrases) identities.push(new ScryptIdentity(p));
        await unwrapHeader(parsed, identities);
        result = "header opened";
      } catch (error) {
        result = outcome(error);
      }
      expect(result).toBe(v.expect === "success" || v.expect === "payload failure" ? "header opened" : v.expect);
    });
  }
});

describe("against typage, the reference implementation", () => {
  const identities = Promise.all([typageIdentity(), typageIdentity(), typageIdentity()]);

  it("typage opens what this code seals, and this code opens what typage seals, with each recipient's identity", async () => {
    const ids = await identities;
    const recipients = await Promise.all(ids.map((i) => identityToRecipient(i)));
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 200_000 }), fc.integer({ min: 1, max: 3 }), async (plaintext, count) => {
        const to = recipients.slice(0, count);
        const ours = await encryptBytes(plaintext, to);
        const theirs = await typageSeal(plaintext, to);
        for (const id of ids.slice(0, count)) {
          expect(Buffer.from(await typageOpen(ours, id)).equals(plaintext)).toBe(true);
          expect((await open(theirs, { identities: [id] })).equals(plaintext)).toBe(true);
        }
        // An identity that is not among the recipients finds nothing.
        if (count < 3) await expect(open(ours, { identities: [ids[2]] })).rejects.toMatchObject({ kind: "no-match" });
      }),
      { numRuns: 25 },
    );
  });

  it("passphrase files: typage opens ours and refuses a wrong passphrase; so does this code", async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 5_000 }), fc.string({ minLength: 1, maxLength: 40 }), fc.integer({ min: 1, max: 4 }), async (plaintext, passphrase, logN) => {
        const ours = await encryptWithPassphrase(plaintext, passphrase, logN);
        expect(Buffer.from(await typageOpen(ours, passphrase, true)).equals(plaintext)).toBe(true);
        await expect(typageOpen(ours, `${passphrase}x`, true)).rejects.toThrow();
        await expect(open(ours, { passphrases: [`${passphrase}x`] })).rejects.toMatchObject({ kind: "no-match" });
        // The work factor is written as given.
        expect(ours.toString("latin1").split("\n")[1]).toMatch(new RegExp(`^-> scrypt [A-Za-z0-9+/]{22} ${logN}$`));
      }),
      { numRuns: 20 },
    );
  });

  it("an identity's recipient is typage's, for any 32 bytes; generated identities are typage's kind", async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ minLength: 32, maxLength: 32 }), async (scalar) => {
        const identity = bech32.encodeFromBytes("AGE-SECRET-KEY-", scalar).toUpperCase();
        expect(x25519Recipient(identity)).toBe(await identityToRecipient(identity));
      }),
      { numRuns: 100 },
    );
    const fresh = generateX25519Identity();
    expect(fresh).toMatch(/^AGE-SECRET-KEY-1[0-9A-Z]{58}$/);
    expect(x25519Recipient(fresh)).toBe(await identityToRecipient(fresh));
    expect(await ourRecipient(fresh)).toBe(await identityToRecipient(fresh));
  });

  it("refuses identity and recipient strings the reference refuses", async () => {
    const good = await typageIdentity();
    for (const bad of [good.toLowerCase().replace("age-secret-key-1", "AGE-SECRET-KEY-1"), good.slice(0, -1) + (good.endsWith("Q") ? "P" : "Q"), "AGE-SECRET-KEY-1", `${good}Q`]) {
      expect(() => x25519Recipient(bad), bad).toThrow(/invalid identity/);
    }
    const recipient = await identityToRecipient(good);
    for (const bad of [recipient.toUpperCase(), recipient.slice(0, -1) + (recipient.endsWith("q") ? "p" : "q"), bech32.encodeFromBytes("age", new Uint8Array(31))]) {
      expect(() => wrapForX25519(new Uint8Array(16), bad), bad).toThrow(/invalid recipient/);
    }
  });
});

describe("header encoding", () => {
  const token = fc.stringMatching(/^[A-Za-z0-9+/._-]{1,12}$/);
  // Lengths drawn evenly, so that bodies just under, at and over a multiple of 48 bytes (a full last line) come up.
  const body = fc.integer({ min: 0, max: 200 }).chain((n) => fc.uint8Array({ minLength: n, maxLength: n }));
  const stanza = fc.record({ args: fc.array(token, { minLength: 1, maxLength: 3 }), body });

  it("parses back to the same stanzas, and any changed byte is refused", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(stanza, { minLength: 1, maxLength: 4 }), fc.uint8Array({ minLength: 16, maxLength: 16 }), fc.nat(), fc.integer({ min: 1, max: 255 }), async (stanzas, fileKey, at, flip) => {
        const header = encodeHeader(stanzas, fileKey);
        const parsed = parseHeader(header);
        expect(parsed.stanzas.map((s) => ({ args: s.args, body: Buffer.from(s.body) }))).toEqual(stanzas.map((s) => ({ args: s.args, body: Buffer.from(s.body) })));
        // An identity that knows the file key: the MAC must check out under it.
        const knows: Identity = { unwrapFileKey: () => new Uint8Array(fileKey) };
        expect(Buffer.from(await unwrapHeader(parsed, [knows])).equals(fileKey)).toBe(true);
        const changed = Buffer.from(header);
        const i = at % changed.length;
        changed[i] = changed[i]! ^ flip;
        let opened = false;
        try {
          await unwrapHeader(parseHeader(changed), [knows]);
          opened = true;
        } catch {
          // refused: what must happen
        }
        expect(opened).toBe(false);
      }),
      { numRuns: 200 },
    );
  });

  it("refuses a body line longer than 64 columns (48 bytes)", () => {
    const line = (n: number) => Buffer.alloc(n, 1).toString("base64").replace(/=+$/, "");
    const header = (lines: string[]) => Buffer.from(`age-encryption.org/v1\n-> x\n${lines.join("\n")}\n--- ${line(32)}\n`, "latin1");
    expect(parseHeader(header([line(48), line(5)])).stanzas[0]!.body.length).toBe(53);
    expect(() => parseHeader(header([line(49)]))).toThrow(/invalid stanza/);
    expect(() => parseHeader(header([line(48), line(49)]))).toThrow(/invalid stanza/);
  });

  it("ends a body that fills its last line with an empty line, as the spec requires", () => {
    const header = encodeHeader([{ args: ["x"], body: new Uint8Array(48) }], new Uint8Array(16)).toString("latin1");
    expect(header.split("\n").slice(1, 4)).toEqual(["-> x", "A".repeat(64), ""]);
  });
});

describe("malformed X25519 stanzas (with a valid MAC) are header failures, not 'no match'", () => {
  async function withStanza(make: (good: Stanza) => Stanza): Promise<string> {
    const identity = await typageIdentity();
    const fileKey = new Uint8Array(16).fill(7);
    const good = wrapForX25519(fileKey, await identityToRecipient(identity));
    const file = Buffer.concat([encodeHeader([make(good)], fileKey), Buffer.alloc(16), Buffer.alloc(16)]);
    try {
      await open(file, { identities: [identity] });
      return "opened";
    } catch (error) {
      return error instanceof AgeError ? error.kind : String(error);
    }
  }

  it("a third argument, a short share, a low-order share, a long body", async () => {
    expect(await withStanza((s) => ({ args: [...s.args, "extra"], body: s.body }))).toBe("header");
    expect(await withStanza((s) => ({ args: ["X25519", Buffer.alloc(31).toString("base64").replace(/=+$/, "")], body: s.body }))).toBe("header");
    expect(await withStanza((s) => ({ args: ["X25519", Buffer.alloc(32).toString("base64").replace(/=+$/, "")], body: s.body }))).toBe("header");
    expect(await withStanza((s) => ({ args: s.args, body: Buffer.concat([s.body, Buffer.alloc(1)]) }))).toBe("header");
    // The control: the stanza as made opens the header (the payload here is no real payload).
    expect(await withStanza((s) => s)).toBe("payload");
  });
});

describe("recipient types left to typage", () => {
  it("a hybrid post-quantum recipient, alone or beside an X25519 one, seals and opens through the door", async () => {
    const pq = await generateHybridIdentity();
    const x = await typageIdentity();
    const plaintext = Buffer.from("Nachklang – post-quantum");
    for (const to of [[await identityToRecipient(pq)], [await identityToRecipient(x), await identityToRecipient(pq)]]) {
      const file = await encryptBytes(plaintext, to);
      expect((await open(file, { identities: [pq] })).equals(plaintext)).toBe(true);
      if (to.length === 2) expect((await open(file, { identities: [x] })).equals(plaintext)).toBe(true);
    }
  });
});
