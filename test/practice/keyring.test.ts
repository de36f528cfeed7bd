/**
 * The keyring: a passphrase-encrypted age file (scrypt) holding the age identity, the minisign
 * signing key and channel secrets. Wrong passphrases are refused, nothing secret is readable in
 * the file, and it is written 0600 in a 0700 folder.
 */
import { mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Decrypter } from "age-encryption";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { UserError } from "../../src/errors.js";
import { createKeyring, saveKeyringSecret, unlockKeyring } from "../../src/practice/keyring.js";
import { writeSealedWithPassphrase } from "../../src/practice/sealed-file.js";

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
    expect(unlocked.secrets).toEqual({});
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
    let keyring = await createKeyring(path, PASSPHRASE);
    const secret = "threema-api-secret-Zx81";
    keyring = await saveKeyringSecret(path, PASSPHRASE, keyring, "channel.threema.secret", secret);
    const bytes = await readFile(path);
    const text = bytes.toString("latin1");
    expect(text.startsWith("age-encryption.org/v1\n-> scrypt ")).toBe(true);
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
      expect(bytes.includes(Buffer.from(needle)), needle).toBe(false);
    }
    // The file is an ordinary age file: typage opens it with the passphrase.
    const d = new Decrypter();
    d.addPassphrase(PASSPHRASE);
    expect(await d.decrypt(bytes, "text")).toContain(secret);
  });

  it("stores, replaces and removes channel secrets", async () => {
    const path = join(root, "f", "keyring.age");
    let keyring = await createKeyring(path, PASSPHRASE);
    keyring = await saveKeyringSecret(path, PASSPHRASE, keyring, "channel.signal.password", "one");
    keyring = await saveKeyringSecret(path, PASSPHRASE, keyring, "channel.email.password", "two");
    keyring = await saveKeyringSecret(path, PASSPHRASE, keyring, "channel.signal.password", "three");
    expect((await unlockKeyring(path, PASSPHRASE)).secrets).toEqual({ "channel.signal.password": "three", "channel.email.password": "two" });
    keyring = await saveKeyringSecret(path, PASSPHRASE, keyring, "channel.signal.password", undefined);
    const unlocked = await unlockKeyring(path, PASSPHRASE);
    expect(unlocked.secrets).toEqual({ "channel.email.password": "two" });
    expect(unlocked.ageIdentity).toBe(keyring.ageIdentity);
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
