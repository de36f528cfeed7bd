/**
 * Interop with the stock tools: a bundle sealed through the real CLI opens with `age -d` and the
 * exported identity, `tar` lists it, `minisign -V -H` verifies its manifest with the exported key,
 * and a client's own age key (made by `age-keygen`) opens it with `age` and with `nachklang open`.
 * The other way round, a signature made by the `minisign` CLI verifies with our `verify`.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { mkdir, readFile, readdir, writeFile } from "node:fs/promises";
import { basename, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Readable } from "node:stream";
import { decryptAge, encryptAge } from "../../src/age/index.js";
import { parsePublicKey, verify } from "../../src/bundle/signature.js";
import { nobleEd25519 } from "../../src/bundle/ed25519-noble.js";
import { collect } from "./keys.js";
import { initHome, runCli, tempDir } from "../helpers/cli.js";
import { missing } from "../helpers/tools.js";

const noAge = missing("age") || missing("age-keygen");
const noMinisign = missing("minisign");

function run(command: string, args: readonly string[], options: { cwd?: string; input?: Buffer } = {}) {
  return spawnSync(command, args, { cwd: options.cwd, input: options.input, maxBuffer: 64 * 1024 * 1024 });
}

describe.skipIf(noAge || noMinisign)("interop with the stock age and minisign CLIs", () => {
  let home: string;
  let dir: string;
  let cleanup: () => Promise<void>;
  let bundle: string;
  let bundleId: string;
  const inputs: Record<string, Buffer> = {};

  beforeAll(async () => {
    const practice = await initHome("Praxis Interop");
    home = practice.home;
    dir = join(home, "..", "work");
    cleanup = practice.cleanup;
    await mkdir(dir);
    // A client with their own age key, as `age-keygen` makes it.
    execFileSync("age-keygen", ["-o", join(dir, "client.key")], { stdio: "ignore" });
    const clientRecipient = execFileSync("age-keygen", ["-y", join(dir, "client.key")], { encoding: "utf8" }).trim();
    const added = await runCli(["client", "add", "k042", "--name", "Erika Mustermann", "--age-recipient", clientRecipient], { home });
    expect(added.code, added.stderr).toBe(0);

    inputs["notes.txt"] = Buffer.from("Bis bald – take care\n", "utf8");
    inputs["board.bin"] = randomBytes(150_000); // crosses two 64 KiB chunk boundaries
    inputs["empty.txt"] = Buffer.alloc(0);
    for (const [name, data] of Object.entries(inputs)) await writeFile(join(dir, name), data);

    const sealed = await runCli(["--json", "seal", "notes.txt", "board.bin", "empty.txt", "--to", "k042", "--note", "Hello"], { home, cwd: dir });
    expect(sealed.code, sealed.stderr).toBe(0);
    const result = JSON.parse(sealed.stdout) as { id: string; path: string };
    bundle = result.path;
    bundleId = result.id;

    const exported = await runCli(["keys", "export", "--identity", join(dir, "identity.txt"), "--minisign", join(dir, "practice.pub")], { home });
    expect(exported.code, exported.stderr).toBe(0);
  });

  afterAll(async () => {
    await cleanup();
  });

  it("names the bundle file by its id only: <26 chars>.age, no alias or name", () => {
    expect(basename(bundle)).toBe(`${bundleId}.age`);
    expect(basename(bundle)).toMatch(/^[0-9a-z]{26}\.age$/);
    expect(bundle).not.toMatch(/k042|Erika|Mustermann/i);
  });

  it("opens with `age -d -i <exported identity>` and `tar` lists and extracts the exact inputs", async () => {
    const decrypted = run("age", ["-d", "-i", join(dir, "identity.txt"), bundle]);
    expect(decrypted.status, decrypted.stderr.toString()).toBe(0);
    const listing = run("tar", ["-t"], { input: decrypted.stdout });
    expect(listing.status).toBe(0);
    // The order (docs/bundle-format.md, version 2): the manifest and its signature, then the items as given.
    expect(listing.stdout.toString().trim().split("\n")).toEqual([
      "manifest.json",
      "manifest.json.minisig",
      "items/notes.txt",
      "items/board.bin",
      "items/empty.txt",
    ]);
    const out = join(dir, "age-extracted");
    await mkdir(out);
    const extracted = run("tar", ["-x", "-C", out], { input: decrypted.stdout });
    expect(extracted.status).toBe(0);
    for (const [name, data] of Object.entries(inputs)) {
      expect((await readFile(join(out, "items", name))).equals(data), name).toBe(true);
    }
  });

  it("`minisign -V -H` verifies the manifest with the exported key, and rejects an edited manifest", async () => {
    const out = join(dir, "age-extracted");
    const ok = run("minisign", ["-V", "-H", "-p", join(dir, "practice.pub"), "-m", join(out, "manifest.json"), "-x", join(out, "manifest.json.minisig")]);
    expect(ok.status, ok.stderr.toString()).toBe(0);
    expect(ok.stdout.toString()).toContain(`bundle:${bundleId}`);

    const manifest = await readFile(join(out, "manifest.json"), "utf8");
    await writeFile(join(out, "edited.json"), manifest.replace("Hello", "Hallo"));
    const bad = run("minisign", ["-V", "-H", "-p", join(dir, "practice.pub"), "-m", join(out, "edited.json"), "-x", join(out, "manifest.json.minisig")]);
    expect(bad.status).not.toBe(0);
  });

  it("opens with the client's own key (age-keygen) through `age -d`", () => {
    const decrypted = run("age", ["-d", "-i", join(dir, "client.key"), bundle]);
    expect(decrypted.status, decrypted.stderr.toString()).toBe(0);
    const listing = run("tar", ["-t"], { input: decrypted.stdout });
    expect(listing.stdout.toString()).toContain("items/board.bin");
  });

  it("opens with the client's key through `nachklang open --identity --signer`, naming the signer", async () => {
    const out = join(dir, "client-opened");
    // No home needed: a client has no practice.
    const opened = await runCli(["open", bundle, "--identity", join(dir, "client.key"), "--signer", join(dir, "practice.pub"), "--out", out], {
      home: join(dir, "no-home"),
      env: { NACHKLANG_PASSPHRASE: undefined },
    });
    expect(opened.code, opened.stderr).toBe(0);
    const { keyId, fingerprint } = JSON.parse((await runCli(["--json", "keys", "show"], { home })).stdout) as { keyId: string; fingerprint: string };
    const grouped = fingerprint.toUpperCase().replace(/(.{4})(?!$)/g, "$1 ");
    expect(opened.stdout).toContain(`Signed by Praxis Interop with key ${keyId} (fingerprint ${grouped}) on `);
    expect(opened.stdout).toMatch(/signature and all checksums valid\.\nSealed for this key\.\n/);
    for (const [name, data] of Object.entries(inputs)) {
      expect((await readFile(join(out, "items", name))).equals(data), name).toBe(true);
    }
    expect((await readdir(out)).sort()).toEqual(["items", "manifest.json", "manifest.json.minisig"]);
  });

  it("a bundle re-encrypted by the stock `age -r` (binary and armored) opens and verifies with nachklang", async () => {
    const tarBytes = run("age", ["-d", "-i", join(dir, "identity.txt"), bundle]).stdout;
    const recipient = execFileSync("age-keygen", ["-y", join(dir, "identity.txt")], { encoding: "utf8" }).trim();
    for (const [label, extra] of [
      ["binary", []],
      ["armored", ["-a"]],
    ] as const) {
      const file = join(dir, `${label}-by-age.age`);
      const enc = run("age", ["-r", recipient, ...extra, "-o", file], { input: tarBytes });
      expect(enc.status, enc.stderr.toString()).toBe(0);
      const verified = await runCli(["verify", file, "--signer", join(dir, "practice.pub")], { home });
      expect(verified.code, `${label}: ${verified.stderr}`).toBe(0);
      const out = join(dir, `${label}-opened`);
      const opened = await runCli(["open", file, "--out", out], { home });
      expect(opened.code, `${label}: ${opened.stderr}`).toBe(0);
      expect((await readFile(join(out, "items", "board.bin"))).equals(inputs["board.bin"]!)).toBe(true);
    }
  });

  it("a key that is not a recipient is refused by `age` too", async () => {
    execFileSync("age-keygen", ["-o", join(dir, "stranger.key")], { stdio: "ignore" });
    const r = run("age", ["-d", "-i", join(dir, "stranger.key"), bundle]);
    expect(r.status).not.toBe(0);
    const ours = await runCli(["verify", bundle, "--identity", join(dir, "stranger.key"), "--signer", join(dir, "practice.pub")], { home: join(dir, "no-home") });
    expect(ours.code).toBe(5);
    expect(ours.stderr.trim()).toContain("not encrypted to this key");
  });

  it("the signer by its fingerprint, typed any way; a bundle re-encrypted for someone else says it was forwarded", async () => {
    const { fingerprint } = JSON.parse((await runCli(["--json", "keys", "show"], { home })).stdout) as { fingerprint: string };
    const typed = fingerprint.toUpperCase().replace(/(.{2})(?!$)/g, "$1:");
    const verified = await runCli(["verify", bundle, "--identity", join(dir, "client.key"), "--signer-fingerprint", typed], { home: join(dir, "no-home") });
    expect(verified.code, verified.stderr).toBe(0);
    expect(verified.stdout).toContain("Sealed for this key.");
    // The client forwards it: decrypts and encrypts the same tar again for a stranger.
    const tarBytes = run("age", ["-d", "-i", join(dir, "client.key"), bundle]).stdout;
    const stranger = execFileSync("age-keygen", ["-y", join(dir, "stranger.key")], { encoding: "utf8" }).trim();
    const forwarded = join(dir, "forwarded.age");
    expect(run("age", ["-r", stranger, "-o", forwarded], { input: tarBytes }).status).toBe(0);
    const seen = await runCli(["--json", "verify", forwarded, "--identity", join(dir, "stranger.key"), "--signer-fingerprint", fingerprint], { home: join(dir, "no-home") });
    expect(seen.code, seen.stderr).toBe(0);
    expect((JSON.parse(seen.stdout) as { sealedFor: string }).sealedFor).toBe("forwarded");
    const text = await runCli(["verify", forwarded, "--identity", join(dir, "stranger.key"), "--signer-fingerprint", fingerprint], { home: join(dir, "no-home") });
    expect(text.stdout).toContain("Forwarded: this bundle was not sealed for this key");
  });
});

describe.skipIf(noAge)("the stock age CLI and our streaming age, at sizes around the 64 KiB chunk", () => {
  it.each([0, 1, 65_535, 65_536, 65_537, 131_072, 200_000])("%i bytes: age decrypts ours, we decrypt age's", async (size) => {
    const { dir, cleanup } = await tempDir();
    try {
      execFileSync("age-keygen", ["-o", join(dir, "k.txt")], { stdio: "ignore" });
      const identity = readFileSync(join(dir, "k.txt"), "utf8").split("\n").find((l) => l.startsWith("AGE-SECRET-KEY-1"))!;
      const recipient = execFileSync("age-keygen", ["-y", join(dir, "k.txt")], { encoding: "utf8" }).trim();
      const data = randomBytes(size);
      const ours = await collect(encryptAge(Readable.from([data]), [recipient]));
      const byAge = run("age", ["-d", "-i", join(dir, "k.txt")], { input: ours });
      expect(byAge.status, byAge.stderr.toString()).toBe(0);
      expect(byAge.stdout.equals(data)).toBe(true);
      const theirs = run("age", ["-r", recipient], { input: data }).stdout;
      const back = await collect(await decryptAge(Readable.from([theirs]), { identities: [identity] }));
      expect(back.equals(data)).toBe(true);
    } finally {
      await cleanup();
    }
  });
});

describe.skipIf(noMinisign)("signatures made by the minisign CLI verify with src/bundle/signature.ts", () => {
  let dir: string;
  let cleanup: () => Promise<void>;

  beforeAll(async () => {
    ({ dir, cleanup } = await tempDir());
    const g = run("minisign", ["-G", "-W", "-p", join(dir, "k.pub"), "-s", join(dir, "k.key")]);
    expect(g.status, g.stderr.toString()).toBe(0);
  });
  afterAll(async () => {
    await cleanup();
  });

  it.each([
    ["a short text", Buffer.from("manifest bytes\n")],
    ["empty", Buffer.alloc(0)],
    ["200 KB of random bytes", randomBytes(200_000)],
  ])("verifies %s signed with `minisign -S`, and rejects it tampered", async (_label, message) => {
    const file = join(dir, `m-${randomBytes(4).toString("hex")}`);
    await writeFile(file, message);
    const s = run("minisign", ["-S", "-s", join(dir, "k.key"), "-m", file, "-t", "timestamp:1\tfile:test"]);
    expect(s.status, s.stderr.toString()).toBe(0);
    const key = parsePublicKey(await readFile(join(dir, "k.pub"), "utf8"));
    const signature = await readFile(`${file}.minisig`, "utf8");
    expect(verify(key, message, signature, nobleEd25519).trustedComment).toBe("timestamp:1\tfile:test");

    const tampered = Buffer.concat([message, Buffer.from("x")]);
    expect(() => verify(key, tampered, signature, nobleEd25519)).toThrow(/invalid/);
    if (message.length > 0) {
      const flipped = Buffer.from(message);
      flipped[flipped.length >> 1]! ^= 0x01;
      expect(() => verify(key, flipped, signature, nobleEd25519)).toThrow(/invalid/);
    }
    // The trusted comment is covered by the global signature.
    expect(() => verify(key, message, signature.replace("timestamp:1", "timestamp:2"), nobleEd25519)).toThrow(/invalid/);
  });

  it("refuses a legacy (non-prehashed) minisign signature", async () => {
    const file = join(dir, "legacy.txt");
    await writeFile(file, "legacy\n");
    const s = run("minisign", ["-S", "-l", "-s", join(dir, "k.key"), "-m", file]);
    expect(s.status, s.stderr.toString()).toBe(0);
    const key = parsePublicKey(await readFile(join(dir, "k.pub"), "utf8"));
    expect(() => verify(key, Buffer.from("legacy\n"), readFileSync(`${file}.minisig`, "utf8"), nobleEd25519)).toThrow(/algorithm/);
  });
});

