/**
 * The client registry: one age file encrypted to the practice key. It round-trips every field,
 * names nobody in plain text, is written 0600 in a 0700 folder, and only the practice key opens it.
 */
import { mkdtemp, readFile, readdir, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { generateX25519Identity, identityToRecipient } from "age-encryption";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { UserError } from "../../src/errors.js";
import { ALIAS_PATTERN, ClientRegistry, clientSchema, type ClientRecord } from "../../src/practice/clients.js";

let root: string;
let identity: string;
let recipient: string;
let n = 0;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "nachklang-clients-"));
  identity = await generateX25519Identity();
  recipient = await identityToRecipient(identity);
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

const full: ClientRecord = {
  alias: "k042",
  name: "Erika Mustermann",
  lang: "de",
  threema: "ECHOECHO",
  phone: "+4915112345678",
  email: "erika.mustermann@example.org",
  ageRecipient: "age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p",
  channel: "threema",
  pinnedKeys: { threema: "a".repeat(64) },
  consents: [{ channel: "threema", date: "2026-11-01", infoVersion: "2026-1" }],
  viewerPassphrase: "Sonnenblume am Fenster",
  created: "2026-11-01T10:00:00.000Z",
};

const registryPath = () => join(root, `r${n++}`, "clients.age");

describe("client registry", () => {
  it("an absent file is an empty registry", async () => {
    const registry = await ClientRegistry.load(registryPath(), identity, recipient);
    expect(registry.list()).toEqual([]);
  });

  it("round-trips every field, sorted by alias, and removes", async () => {
    const path = registryPath();
    const registry = await ClientRegistry.load(path, identity, recipient);
    await registry.put(full);
    await registry.put({ alias: "a001", lang: "en", pinnedKeys: {}, consents: [], created: "2026-11-02T00:00:00.000Z" });
    const again = await ClientRegistry.load(path, identity, recipient);
    expect(again.list().map((c) => c.alias)).toEqual(["a001", "k042"]);
    expect(again.get("k042")).toEqual(full);
    await again.remove("a001");
    const third = await ClientRegistry.load(path, identity, recipient);
    expect(third.list()).toEqual([full]);
  });

  it("property: any valid set of records round-trips", async () => {
    const record = fc.record({
      alias: fc.stringMatching(ALIAS_PATTERN),
      name: fc.option(fc.string({ unit: "grapheme", maxLength: 40 }), { nil: undefined }),
      lang: fc.constantFrom("de" as const, "en" as const),
      phone: fc.option(fc.stringMatching(/^\+[1-9]\d{6,14}$/), { nil: undefined }),
    });
    await fc.assert(
      fc.asyncProperty(fc.uniqueArray(record, { selector: (r) => r.alias, maxLength: 8 }), async (records) => {
        const path = registryPath();
        const registry = await ClientRegistry.load(path, identity, recipient);
        const expected: ClientRecord[] = [];
        for (const r of records) {
          const c = clientSchema.parse({
            alias: r.alias,
            lang: r.lang,
            ...(r.name !== undefined ? { name: r.name } : {}),
            ...(r.phone !== undefined ? { phone: r.phone } : {}),
            created: "2026-11-01T00:00:00.000Z",
          });
          await registry.put(c);
          expected.push(c);
        }
        const again = await ClientRegistry.load(path, identity, recipient);
        for (const c of expected) expect(again.get(c.alias)).toEqual(c);
        expect(again.list()).toHaveLength(expected.length);
      }),
      { numRuns: 25 },
    );
  });

  it("an unknown alias is a usage error (exit 2) that names it", async () => {
    const registry = await ClientRegistry.load(registryPath(), identity, recipient);
    const error = (() => {
      try {
        registry.require("k999");
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(UserError);
    expect((error as UserError).code).toBe(2);
    expect((error as UserError).params).toEqual({ alias: "k999" });
    await expect(registry.remove("k999")).rejects.toBeInstanceOf(UserError);
  });

  it("names nobody in plain text: no alias, name, phone, e-mail, Threema ID, key or passphrase in the file", async () => {
    const path = registryPath();
    const registry = await ClientRegistry.load(path, identity, recipient);
    await registry.put(full);
    const bytes = await readFile(path);
    expect(bytes.subarray(0, 22).toString("latin1")).toBe("age-encryption.org/v1\n");
    for (const needle of [
      full.alias,
      full.name!,
      "Mustermann",
      full.phone!,
      full.phone!.slice(3),
      full.email!,
      "example.org",
      full.threema!,
      full.viewerPassphrase!,
      full.pinnedKeys.threema!,
      "consent",
      "alias",
    ]) {
      expect(bytes.includes(Buffer.from(needle)), needle).toBe(false);
      expect(bytes.toString("latin1").toLowerCase().includes(needle.toLowerCase()), needle).toBe(false);
    }
  });

  it("only the practice key opens it", async () => {
    const path = registryPath();
    await (await ClientRegistry.load(path, identity, recipient)).put(full);
    const stranger = await generateX25519Identity();
    await expect(ClientRegistry.load(path, stranger, await identityToRecipient(stranger))).rejects.toThrow();
  });

  it("is written 0600 in a 0700 folder, with no temporary file left", async () => {
    const path = registryPath();
    await (await ClientRegistry.load(path, identity, recipient)).put(full);
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    expect((await stat(join(path, ".."))).mode & 0o777).toBe(0o700);
    expect(await readdir(join(path, ".."))).toEqual(["clients.age"]);
  });

  it("the schema refuses malformed contact details", () => {
    const bad: Partial<ClientRecord>[] = [
      { alias: "../k042" },
      { alias: "" },
      { phone: "0151 1234567" },
      { email: "not-an-email" },
      { threema: "abc" },
      { ageRecipient: "AGE-SECRET-KEY-1XYZ" },
    ];
    for (const change of bad) expect(clientSchema.safeParse({ ...full, ...change }).success, JSON.stringify(change)).toBe(false);
  });
});
