/**
 * The keyring: a passphrase-encrypted age file (scrypt) holding the age identity and the minisign
 * signing key; channel secrets live beside it in secrets.age, sealed to the practice. Wrong
 * passphrases are refused, nothing secret is readable in either file, both are written 0600 in a
 * 0700 folder, and a version-1 keyring (which held the secrets) is migrated on its next unlock.
 */
import { mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Decrypter } from "age-encryption";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { UserError } from "../../src/errors.js";
import { createKeyring, secretsBeside, unlockKeyring } from "../../src/practice/keyring.js";
import { readSealedWithPassphrase, writeSealedWithPassphrase } from "../../src/practice/sealed-file.js";
import { readChannelSecrets, setChannelSecret, writeChannelSecrets } from "../../src/practice/secrets.js";

const PASSPHRASE = "Lindenblüte im Juni 42";
let root: string;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "nachklang-keyring-"));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");

describe("keyring", () => {
  it("round-trips: the same keys come back with the right passphrase", async () => {
    const path = join(root, "a", "keyring.age");
    const created = await createKeyring(path, PASSPHRASE);
    expect(created.ageIdentity).toMatch(/^AGE-SECRET-KEY-1[0-9A-Z]+$/);
    expect(created.ageRecipient).toMatch(/^age1[0-9a-z]+$/);
    expect(created.keyId).toMatch(/^[0-9A-F]{16}$/);
    const unlocked = await unlockKeyring(path, PASSPHRASE);
    expect(unlocked.ageIdentity).toBe(created.ageIdentity);
    expect(unlocked.ageRecipient).toBe(created.ageRecipient);
    expect(unlocked.keyId).toBe(created.keyId);
    expect(hex(unlocked.signing.seed)).toBe(hex(created.signing.seed));
    expect(hex(unlocked.signing.publicKey)).toBe(hex(created.signing.publicKey));
    // It holds the two keys and nothing else.
    const stored = JSON.parse(new TextDecoder().decode(await readSealedWithPassphrase(path, PASSPHRASE))) as Record<string, unknown>;
    expect(Object.keys(stored).sort()).toEqual(["ageIdentity", "signing", "version"]);
    expect(stored.version).toBe(2);
  });

  it("rejects a wrong passphrase (exit 2, names the file) and an empty one", async () => {
    const path = join(root, "b", "keyring.age");
    await createKeyring(path, PASSPHRASE);
    for (const wrong of ["Lindenblüte im Juni 43", "", PASSPHRASE.toUpperCase(), `${PASSPHRASE} `]) {
      const error = await unlockKeyring(path, wrong).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(UserError);
      expect((error as UserError).code).toBe(2);
      expect((error as UserError).key).toBe("passphrase.wrong");
      expect((error as UserError).params).toEqual({ file: path });
    }
  });

  it("reports a missing keyring (exit 2) and refuses to overwrite an existing one", async () => {
    const missing = await unlockKeyring(join(root, "nothing", "keyring.age"), PASSPHRASE).catch((e: unknown) => e);
    expect((missing as UserError).key).toBe("practice.missing");
    expect((missing as UserError).code).toBe(2);
    const path = join(root, "c", "keyring.age");
    const first = await createKeyring(path, PASSPHRASE);
    const again = await createKeyring(path, "other").catch((e: unknown) => e);
    expect((again as UserError).key).toBe("practice.exists");
    expect((await unlockKeyring(path, PASSPHRASE)).ageIdentity).toBe(first.ageIdentity);
  });

  it("a keyring that decrypts but holds something else is reported as damaged, not as a crash", async () => {
    for (const [name, content] of [
      ["json", JSON.stringify({ version: 1, hello: "world" })],
      ["text", "not json at all"],
      // The right shape, but the identity's Bech32 checksum is broken.
      ["key", JSON.stringify({ version: 1, ageIdentity: "AGE-SECRET-KEY-1QQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQ", signing: { seed: "00".repeat(32), keyId: "00".repeat(8) }, secrets: {} })],
    ] as const) {
      const path = join(root, `damaged-${name}`, "keyring.age");
      await writeSealedWithPassphrase(path, content, PASSPHRASE);
      const error = await unlockKeyring(path, PASSPHRASE).catch((e: unknown) => e);
      expect(error, name).toBeInstanceOf(UserError);
      expect((error as UserError).key, name).toBe("practice.damaged");
    }
  });

  it("a damaged (truncated) keyring file is refused", async () => {
    const path = join(root, "d", "keyring.age");
    await createKeyring(path, PASSPHRASE);
    const bytes = await readFile(path);
    await writeFile(path, bytes.subarray(0, bytes.length - 10));
    await expect(unlockKeyring(path, PASSPHRASE)).rejects.toBeInstanceOf(UserError);
  });

  it("holds no secret in plain text: not the identity, the seed, the passphrase or a channel secret", async () => {
    const path = join(root, "e", "keyring.age");
    const keyring = await createKeyring(path, PASSPHRASE);
    const secret = "threema-api-secret-Zx81";
    const before = await readFile(path);
    await setChannelSecret(secretsBeside(path), keyring.ageRecipient, keyring.ageIdentity, "channel.threema.secret", secret);
    // Storing a secret leaves the keyring alone (it needs no passphrase).
    expect((await readFile(path)).equals(before)).toBe(true);
    for (const file of [path, secretsBeside(path)]) {
      const bytes = await readFile(file);
      for (const needle of [
        keyring.ageIdentity,
        keyring.ageIdentity.slice(16, 40),
        hex(keyring.signing.seed),
        Buffer.from(keyring.signing.seed).toString("base64"),
        PASSPHRASE,
        secret,
        "channel.threema",
        "AGE-SECRET-KEY",
      ]) {
        expect(bytes.includes(Buffer.from(needle)), `${file}: ${needle}`).toBe(false);
      }
    }
    // Both are ordinary age files: typage opens the keyring with the passphrase, the secrets with the identity.
    const d = new Decrypter();
    d.addPassphrase(PASSPHRASE);
    expect(await d.decrypt(before, "text")).toContain(keyring.ageIdentity);
    const s = new Decrypter();
    s.addIdentity(keyring.ageIdentity);
    expect(await s.decrypt(await readFile(secretsBeside(path)), "text")).toContain(secret);
  });

  it("stores, replaces and removes channel secrets in secrets.age", async () => {
    const path = join(root, "f", "keyring.age");
    const keyring = await createKeyring(path, PASSPHRASE);
    const file = secretsBeside(path);
    expect(await readChannelSecrets(file, keyring.ageIdentity)).toEqual({});
    const set = (name: string, value: string | undefined) => setChannelSecret(file, keyring.ageRecipient, keyring.ageIdentity, name, value);
    await set("channel.signal.password", "one");
    await set("channel.email.password", "two");
    await set("channel.signal.password", "three");
    expect(await readChannelSecrets(file, keyring.ageIdentity)).toEqual({ "channel.signal.password": "three", "channel.email.password": "two" });
    await set("channel.signal.password", undefined);
    expect(await readChannelSecrets(file, keyring.ageIdentity)).toEqual({ "channel.email.password": "two" });
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    // Another practice's identity cannot read them: a damaged-file error, not the secrets.
    const other = await createKeyring(join(root, "f2", "keyring.age"), PASSPHRASE);
    await expect(readChannelSecrets(file, other.ageIdentity)).rejects.toMatchObject({ key: "secrets.damaged", code: 5 });
  });

  it("migrates a version-1 keyring on its next unlock: its secrets move to secrets.age, stored ones win", async () => {
    const path = join(root, "v1", "keyring.age");
    const made = await createKeyring(path, PASSPHRASE);
    const v1 = {
      version: 1,
      ageIdentity: made.ageIdentity,
      signing: { seed: hex(made.signing.seed), keyId: hex(made.signing.keyId) },
      secrets: { "channel.threema.secret": "old-secret", "channel.email.password": "mail-pass" },
    };
    await writeSealedWithPassphrase(path, JSON.stringify(v1), PASSPHRASE);
    // One secret was already stored in secrets.age (e.g. by a newer version before a restore).
    await writeChannelSecrets(secretsBeside(path), made.ageRecipient, { "channel.threema.secret": "newer-secret" });
    const unlocked = await unlockKeyring(path, PASSPHRASE);
    expect(unlocked.ageIdentity).toBe(made.ageIdentity);
    expect(await readChannelSecrets(secretsBeside(path), made.ageIdentity)).toEqual({
      "channel.threema.secret": "newer-secret",
      "channel.email.password": "mail-pass",
    });
    const stored = JSON.parse(new TextDecoder().decode(await readSealedWithPassphrase(path, PASSPHRASE))) as Record<string, unknown>;
    expect(stored).toEqual({ version: 2, ageIdentity: made.ageIdentity, signing: v1.signing });
    expect((await readFile(path)).includes(Buffer.from("mail-pass"))).toBe(false);
    // The next unlock finds version 2 and writes nothing.
    const before = await readFile(path);
    await unlockKeyring(path, PASSPHRASE);
    expect((await readFile(path)).equals(before)).toBe(true);
  });

  it("is written 0600 in a 0700 folder, with no temporary file left beside it", async () => {
    const dir = join(root, "g", "nested");
    const path = join(dir, "keyring.age");
    await createKeyring(path, PASSPHRASE);
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    expect((await stat(dir)).mode & 0o777).toBe(0o700);
    const { readdir } = await import("node:fs/promises");
    expect(await readdir(dir)).toEqual(["keyring.age"]);
  });
});
