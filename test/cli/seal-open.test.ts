/**
 * `seal`, `open`, `verify` and `keys export` through the real CLI: never overwrite, never leave
 * half-written output or staged plaintext behind — on refusal, on failure, and on Ctrl-C.
 */
import { spawn, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { appendFile, chmod, mkdir, readFile, readdir, rm, stat, symlink, truncate, utimes, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Decrypter, generateX25519Identity, identityToRecipient } from "age-encryption";
import tar from "tar-stream";
import { sealBundle } from "../../src/bundle/seal.js";
import { DEFAULT_LIMITS, openBundle } from "../../src/bundle/open.js";
import { encodePublicKey, formatKeyId, generateSigningKey } from "../../src/bundle/signature.js";
import { nodeEd25519 } from "../../src/bundle/ed25519-node.js";
import { BIN, FIXTURES, PASSPHRASE, initHome, runCli, type CliResult } from "../helpers/cli.js";
import { madePhoto, madeRecording } from "../helpers/made-media.js";
import { missing } from "../helpers/tools.js";

/** A path as a regular expression that matches it literally. */
const literal = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

let home: string;
let cleanup: () => Promise<void>;
let work: string;
let bundle: string;

function oneLine(r: CliResult, code: number, pattern: RegExp): void {
  expect(r.code, r.stderr).toBe(code);
  expect(r.stderr.trimEnd().split("\n")).toHaveLength(1);
  expect(r.stderr).not.toMatch(/^\s+at /m);
  expect(r.stderr.trimEnd()).toMatch(pattern);
}

beforeAll(async () => {
  ({ home, cleanup } = await initHome());
  work = join(home, "..", "work");
  await mkdir(work);
  expect((await runCli(["client", "add", "k042"], { home })).code).toBe(0);
  await writeFile(join(work, "a.txt"), "hello\n");
  const sealed = await runCli(["--json", "seal", "a.txt", "--to", "k042"], { home, cwd: work });
  expect(sealed.code, sealed.stderr).toBe(0);
  bundle = (JSON.parse(sealed.stdout) as { path: string }).path;
});

afterAll(async () => {
  await cleanup();
});

describe("never overwrite", () => {
  it("open into an existing folder: exit 2, the folder untouched", async () => {
    const out = join(work, "existing");
    await mkdir(out);
    await writeFile(join(out, "mine.txt"), "keep");
    oneLine(await runCli(["open", bundle, "--out", out], { home }), 2, /already exists; nothing was overwritten/);
    expect(await readdir(out)).toEqual(["mine.txt"]);
    expect((await readdir(work)).filter((n) => n.startsWith(".nachklang-open-"))).toEqual([]);
  });

  it("seal --out onto an existing file: exit 2, the file untouched", async () => {
    await writeFile(join(work, "taken.age"), "keep");
    oneLine(await runCli(["seal", "a.txt", "--to", "k042", "--out", "taken.age"], { home, cwd: work }), 2, /taken\.age already exists/);
    expect(await readFile(join(work, "taken.age"), "utf8")).toBe("keep");
  });

  it("keys export onto existing files: exit 2, the files untouched", async () => {
    await writeFile(join(work, "id.txt"), "keep");
    oneLine(await runCli(["keys", "export", "--identity", join(work, "id.txt")], { home }), 2, /id\.txt already exists/);
    expect(await readFile(join(work, "id.txt"), "utf8")).toBe("keep");
    oneLine(await runCli(["keys", "export"], { home }), 2, /./);
  });
});

describe("the user's folders are left as they are", () => {
  it("keys export into the current folder does not change its mode", async () => {
    const cwd = join(work, "shared");
    await mkdir(cwd);
    await chmod(cwd, 0o755);
    const r = await runCli(["keys", "export", "--minisign", "practice.pub", "--identity", "id-here.txt"], { home, cwd });
    expect(r.code, r.stderr).toBe(0);
    expect((await stat(cwd)).mode & 0o777).toBe(0o755);
    expect((await stat(join(cwd, "id-here.txt"))).mode & 0o777).toBe(0o600);
  });

  it("seal --out into folders that do not exist yet creates them private", async () => {
    const out = join(work, "new", "deeper", "b.age");
    const r = await runCli(["seal", "a.txt", "--to", "k042", "--out", out], { home, cwd: work });
    expect(r.code, r.stderr).toBe(0);
    expect((await stat(join(work, "new", "deeper"))).mode & 0o777).toBe(0o700);
    expect((await runCli(["verify", out], { home })).code).toBe(0);
  });

  it("a named pipe nobody writes to, as an input, a bundle, an identity or a batch: one line and an end, never a hang", async () => {
    const fifo = join(work, "nobody-writes");
    spawnSync("mkfifo", [fifo]);
    // Each waited in open(2) for good before, and not even Ctrl-C ended it: the timeout fails the test then.
    const run = (args: string[]) => runCli(args, { home, cwd: work, timeoutMs: 20_000 });
    oneLine(await run(["seal", fifo, "--to", "k042", "--out", join(work, "from-fifo.age")]), 2, new RegExp(`^${literal(fifo)}: not a regular file \\(a folder, device or pipe\\); only files can be sealed\\.$`));
    // Read as empty: nothing that could be a bundle.
    for (const args of [["verify", fifo], ["open", fifo, "--out", join(work, "from-fifo")], ["viewer", fifo, "--out", join(work, "from-fifo.html"), "--generate-passphrase"]]) {
      oneLine(await run(args), 5, new RegExp(`^${literal(fifo)}: the bundle is damaged`));
    }
    oneLine(await run(["verify", bundle, "--identity", fifo, "--signer-fingerprint", "00".repeat(32)]), 2, new RegExp(`^${literal(fifo)}: no age identity`));
    expect((await readdir(work)).filter((f) => f.startsWith("from-fifo"))).toEqual([]);
  });

  it("more files than a bundle holds, or a note over 64 KiB: one line naming the limit (exit 2), nothing written", async () => {
    const many = join(work, "many");
    await mkdir(many);
    const files = Array.from({ length: 1001 }, (_, i) => join(many, `f${i}.txt`));
    for (const file of files) await writeFile(file, "x");
    oneLine(await runCli(["seal", ...files, "--to", "k042", "--out", join(work, "many.age")], { home }), 2, /^1001 files are too many for one bundle \(at most 1000\); nothing was sealed\./);
    oneLine(await runCli(["seal", files[0]!, "--to", "k042", "--note", "ä".repeat(33_000), "--out", join(work, "many.age")], { home }), 2, /^--note: the note is 65 KiB; a note may be at most 64 KiB\./);
    await expect(stat(join(work, "many.age"))).rejects.toMatchObject({ code: "ENOENT" });
    // One is one item (it said "1 items").
    const one = await runCli(["seal", files[0]!, "--to", "k042", "--out", join(work, "one.age")], { home });
    expect(one.stdout).toMatch(/^Sealed: \S+one\.age \(1 item, \d+ bytes\)\./);
  });

  it("open or verify of a folder instead of a bundle: exit 2, one line", async () => {
    oneLine(await runCli(["verify", work], { home }), 2, new RegExp(`^${literal(work)} is a folder, not a file\\. Please name the file itself\\.$`));
    const cwd = join(work, "open-dir");
    await mkdir(cwd);
    oneLine(await runCli(["open", work, "--out", join(cwd, "out")], { home, cwd }), 2, new RegExp(`^${literal(work)} is a folder, not a file\\.`));
    expect(await readdir(cwd)).toEqual([]);
  });

  it("a folder given as a key, passphrase or note file is named as a folder, not as missing", async () => {
    const folder = join(work, "a-folder");
    await mkdir(folder);
    const named = new RegExp(`^${literal(folder)} is a folder, not a file\\. Please name the file itself\\.$`);
    oneLine(await runCli(["verify", bundle, "--identity", folder, "--signer-fingerprint", "00".repeat(32)], { home }), 2, named);
    oneLine(await runCli(["verify", bundle, "--identity", folder, "--signer", folder], { home }), 2, named);
    oneLine(await runCli(["--passphrase-file", folder, "seal", "a.txt", "--to", "k042"], { home, cwd: work, env: { NACHKLANG_PASSPHRASE: undefined } }), 2, named);
    oneLine(await runCli(["send", "k042", "--note-file", folder, "--dry-run", "--yes"], { home }), 2, named);
  });
});

describe("opening", () => {
  it("opens into a folder named by the bundle id by default, 0700, files 0600", async () => {
    const cwd = join(work, "default");
    await mkdir(cwd);
    const r = await runCli(["open", bundle], { home, cwd });
    expect(r.code, r.stderr).toBe(0);
    const id = /([0-9a-z]{26})\.age$/.exec(bundle)![1]!;
    expect(await readdir(cwd)).toEqual([id]);
    expect((await stat(join(cwd, id))).mode & 0o777).toBe(0o700);
    expect((await stat(join(cwd, id, "items", "a.txt"))).mode & 0o777).toBe(0o600);
    expect(await readFile(join(cwd, id, "items", "a.txt"), "utf8")).toBe("hello\n");
  });

  it("needs only the keyring: opens even when the client registry cannot be read", async () => {
    const { home: other, cleanup: done } = await initHome("Praxis Schlüssel");
    try {
      expect((await runCli(["client", "add", "k1"], { home: other })).code).toBe(0);
      const sealed = await runCli(["--json", "seal", join(work, "a.txt"), "--to", "k1"], { home: other, cwd: work });
      expect(sealed.code, sealed.stderr).toBe(0);
      await writeFile(join(other, "clients.age"), "not an age file");
      expect((await runCli(["client", "list"], { home: other })).code).not.toBe(0);
      const out = join(work, "keyring-only");
      const r = await runCli(["open", (JSON.parse(sealed.stdout) as { path: string }).path, "--out", out], { home: other });
      expect(r.code, r.stderr).toBe(0);
      expect(await readFile(join(out, "items", "a.txt"), "utf8")).toBe("hello\n");
    } finally {
      await done();
    }
  });

  it("verify writes nothing and says so", async () => {
    const cwd = join(work, "verify");
    await mkdir(cwd);
    const r = await runCli(["verify", bundle], { home, cwd });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/is intact; nothing was written\.$/m);
    expect(await readdir(cwd)).toEqual([]);
  });

  it("--json gives the manifest facts, and the signer as the key that verified", async () => {
    const r = await runCli(["--json", "verify", bundle], { home });
    const result = JSON.parse(r.stdout) as { signer: { keyId: string; fingerprint: string }; sealedFor: string; client: string; items: { path: string }[] };
    const keys = JSON.parse((await runCli(["--json", "keys", "show"], { home })).stdout) as { keyId: string; fingerprint: string };
    expect(result.signer).toEqual({ keyId: keys.keyId, fingerprint: keys.fingerprint });
    expect(result.sealedFor).toBe("opener");
    expect(result.client).toBe("k042");
    expect(result.items.map((i) => i.path)).toEqual(["items/a.txt"]);
  });

  it("an identity-file open without --signer or --signer-fingerprint: exit 2, one line saying how to get it", async () => {
    await runCli(["keys", "export", "--identity", join(work, "practice-id.txt")], { home });
    for (const command of ["verify", "open"]) {
      oneLine(
        await runCli([command, bundle, "--identity", join(work, "practice-id.txt")], { home: join(work, "no-home"), cwd: work }),
        2,
        /opening with --identity needs the practice's signing key: --signer .* 'nachklang keys show'.*Nothing was opened\.$/,
      );
    }
    oneLine(await runCli(["verify", bundle, "--identity", join(work, "practice-id.txt"), "--signer-fingerprint", "12ab"], { home: join(work, "no-home") }), 2, /'12ab' is not a signer fingerprint/);
    expect((await readdir(work)).filter((n) => n.startsWith(".nachklang-open-") || /^[0-9a-z]{26}$/.test(n))).toEqual([]);
  });

  it("text from the bundle is shown without terminal escapes, bidi controls or line breaks of its own", async () => {
    const identity = await generateX25519Identity();
    await writeFile(join(work, "client.key"), `${identity}\n`);
    await writeFile(join(work, "esc.txt"), "x");
    const stranger = generateSigningKey(nodeEd25519);
    await writeFile(join(work, "stranger.pub"), encodePublicKey(stranger));
    const sealed = await sealBundle({
      items: [{ file: join(work, "esc.txt"), kind: "file", mime: "text/plain", caption: "cap\u001b]0;title\u0007" }],
      message: "Line one\n\u001b[2J\u001b[1;32mSigned by your practice\u202e\tend\u2028Signature valid.",
      client: "k042",
      lang: "en",
      practice: { name: "Evil\u001b[0m\nSigned by Praxis", ageRecipient: await identityToRecipient(identity), keyId: formatKeyId(stranger.keyId), signing: stranger },
      outDir: join(work, "esc"),
    });
    const r = await runCli(["verify", sealed.path, "--identity", join(work, "client.key"), "--signer", join(work, "stranger.pub")], { home: join(work, "no-home") });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^Signed by Evil\?\[0m\?Signed by Praxis with key /);
    // The message, quoted: each of its lines starts with the quote mark, none can pass for a line of ours.
    expect(r.stdout).toContain("  │ Line one\n  │ ?[2J?[1;32mSigned by your practice??end?Signature valid.\n");
    expect(r.stdout).toContain("“cap?]0;title?”");
    expect([...r.stdout].some((c) => (c.charCodeAt(0) < 0x20 && c !== "\n") || c === "\u202e" || c === "\u2028")).toBe(false);
    expect(r.stdout.split("\n").filter((l) => /valid/.test(l) && !l.startsWith("  │ "))).toHaveLength(1);
  });

  it("a bad --signer file or an identity file without a key: exit 2", async () => {
    await writeFile(join(work, "bad.pub"), "untrusted comment: nothing\nnot base64!\n");
    oneLine(await runCli(["verify", bundle, "--signer", join(work, "bad.pub")], { home }), 2, /bad\.pub: not a valid minisign public key/);
    await writeFile(join(work, "nokey.txt"), "# just a comment\n");
    oneLine(await runCli(["verify", bundle, "--identity", join(work, "nokey.txt")], { home }), 2, /nokey\.txt: no age identity/);
    // A key line whose checksum is broken (one character changed) is the file's fault, not the bundle's: exit 2, naming the line.
    const good = await generateX25519Identity();
    const broken = good.slice(0, -1) + (good.endsWith("Q") ? "P" : "Q");
    for (const [name, text, line] of [
      ["broken.key", `# created: today\n${broken}\n`, 2],
      ["broken-second.key", `${good}\n${broken}\n`, 2],
      ["broken-pq.key", "AGE-SECRET-KEY-PQ-1QQQQ\n", 1],
    ] as const) {
      await writeFile(join(work, name), text);
      oneLine(await runCli(["verify", bundle, "--identity", join(work, name)], { home }), 2, new RegExp(`${name.replace(".", "\\.")}: line ${line} is not a valid age identity`));
    }
  });

  it("a folder given to seal is refused with one line, and nothing is written", async () => {
    await mkdir(join(work, "a-folder"), { recursive: true });
    const r = await runCli(["seal", "a.txt", "a-folder", "--to", "k042", "--out", "folder.age"], { home, cwd: work });
    oneLine(r, 2, /^a-folder is a folder, not a file\. Please name the files in it\.$/);
    expect((await readdir(work)).filter((n) => n.startsWith("folder.age"))).toEqual([]);
  });

  it("a file that changes while it is sealed is refused, and nothing is written", async () => {
    // The item is hashed while it is sealed, in one pass; bytes appended meanwhile no longer match
    // the size taken at the start, and the half-written bundle is removed.
    const file = join(work, "growing.bin");
    await writeFile(file, Buffer.alloc(48 * 1024 * 1024, 7));
    const signing = generateSigningKey(nodeEd25519);
    const identity = await generateX25519Identity();
    const growing = setInterval(() => void appendFile(file, "more"), 1);
    try {
      const sealing = sealBundle({
        items: [{ file, kind: "file", mime: "application/octet-stream" }],
        message: "",
        client: "k042",
        lang: "en",
        practice: { ageRecipient: await identityToRecipient(identity), keyId: formatKeyId(signing.keyId), signing },
        outFile: join(work, "changed", "b.age"),
      });
      await expect(sealing).rejects.toMatchObject({ key: "file.changed", params: { file } });
    } finally {
      clearInterval(growing);
    }
    expect(await readdir(join(work, "changed"))).toEqual([]);
  });
});

/** Start the CLI, wait until `ready()` holds, send SIGINT, and resolve with the exit code. */
function interrupt(args: string[], cwd: string, ready: () => Promise<boolean>): Promise<{ code: number | null; stderr: string; interrupted: boolean }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      cwd,
      env: { ...process.env, NACHKLANG_HOME: home, NACHKLANG_PASSPHRASE: PASSPHRASE, NACHKLANG_INSECURE_TEST_SCRYPT_LOG_N: "10", LANG: "en_US.UTF-8" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stderr = "";
    let interrupted = false;
    let finished = false;
    child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
    child.on("error", reject);
    child.on("close", (code) => {
      finished = true;
      resolve({ code, stderr, interrupted });
    });
    const poll = async () => {
      while (!finished) {
        if (await ready()) {
          interrupted = true;
          child.kill("SIGINT");
          return;
        }
        await new Promise((r) => setTimeout(r, 5));
      }
    };
    void poll();
  });
}

describe.skipIf(missing("ffmpeg") || missing("exiftool"))("seal prepares photos and recordings of the other common formats too", () => {
  it("a TIFF scan and a FLAC recording lose their tags (author, GPS, title), as a JPEG and an MP3 do", async () => {
    const dir = join(work, "formats");
    await mkdir(dir, { recursive: true });
    const { default: sharp } = await import("sharp");
    await sharp({ create: { width: 64, height: 48, channels: 3, background: "#336699" } }).tiff().toFile(join(dir, "scan.tiff"));
    spawnSync("exiftool", ["-q", "-overwrite_original", "-Artist=Zyxwvu Quelltopf", "-GPSLatitude=52.5", "-GPSLatitudeRef=N", join(dir, "scan.tiff")]);
    spawnSync("ffmpeg", ["-loglevel", "error", "-f", "lavfi", "-i", "sine=d=2", "-metadata", "title=Traumreise Quelltopf", "-metadata", "artist=Zyxwvu Quelltopf", join(dir, "aufnahme.flac")]);
    // The inputs really carry the tags (so the test can fail).
    for (const name of ["scan.tiff", "aufnahme.flac"]) expect(spawnSync("exiftool", [join(dir, name)], { encoding: "utf8" }).stdout).toContain("Quelltopf");
    const sealed = await runCli(["--json", "seal", "scan.tiff", "aufnahme.flac", "--to", "k042", "--out", "formats.age"], { home, cwd: dir });
    expect(sealed.code, sealed.stderr).toBe(0);
    const { items } = JSON.parse(sealed.stdout) as { items: { path: string; kind: string; mime: string }[] };
    expect(items.map((i) => [i.path, i.kind, i.mime])).toEqual([
      ["items/photo-1.jpg", "photo", "image/jpeg"],
      ["items/recording-1.m4a", "audio", "audio/mp4"],
    ]);
    const opened = await runCli(["open", "formats.age", "--out", "opened"], { home, cwd: dir });
    expect(opened.code, opened.stderr).toBe(0);
    for (const item of items) expect(spawnSync("exiftool", ["-a", join(dir, "opened", item.path)], { encoding: "utf8" }).stdout).not.toMatch(/Quelltopf|GPS/);
  });

  it("a JPEG named .jfif, a photo without an extension and a recording renamed .dat are prepared by what they are; a renamed video is refused", async () => {
    const dir = join(work, "renamed");
    await mkdir(dir, { recursive: true });
    const { default: sharp } = await import("sharp");
    await sharp({ create: { width: 64, height: 48, channels: 3, background: "#993366" } }).jpeg().toFile(join(dir, "scan.jfif"));
    spawnSync("exiftool", ["-q", "-overwrite_original", "-Artist=Zyxwvu Quelltopf", "-GPSLatitude=52.5", "-GPSLatitudeRef=N", join(dir, "scan.jfif")]);
    await writeFile(join(dir, "tafelbild"), await readFile(join(dir, "scan.jfif")));
    spawnSync("ffmpeg", ["-loglevel", "error", "-f", "lavfi", "-i", "sine=d=2", "-metadata", "artist=Zyxwvu Quelltopf", "-f", "wav", join(dir, "aufnahme.dat")]);
    spawnSync("ffmpeg", ["-loglevel", "error", "-f", "lavfi", "-i", "testsrc=d=1:s=160x120", "-metadata", "location=+52.5200+013.4050/", "-f", "mp4", join(dir, "clip.bin")]);
    for (const name of ["scan.jfif", "tafelbild", "aufnahme.dat"]) expect(spawnSync("exiftool", [join(dir, name)], { encoding: "utf8" }).stdout, name).toContain("Quelltopf");
    const sealed = await runCli(["--json", "seal", "scan.jfif", "tafelbild", "aufnahme.dat", "--to", "k042", "--out", "renamed.age"], { home, cwd: dir });
    expect(sealed.code, sealed.stderr).toBe(0);
    const { items } = JSON.parse(sealed.stdout) as { items: { path: string; kind: string; mime: string }[] };
    expect(items.map((i) => [i.path, i.kind, i.mime])).toEqual([
      ["items/photo-1.jpg", "photo", "image/jpeg"],
      ["items/photo-2.jpg", "photo", "image/jpeg"],
      ["items/recording-1.m4a", "audio", "audio/mp4"],
    ]);
    const opened = await runCli(["open", "renamed.age", "--out", "opened"], { home, cwd: dir });
    expect(opened.code, opened.stderr).toBe(0);
    for (const item of items) expect(spawnSync("exiftool", ["-a", join(dir, "opened", item.path)], { encoding: "utf8" }).stdout).not.toMatch(/Quelltopf|GPS/);
    oneLine(await runCli(["seal", "clip.bin", "--to", "k042", "--out", "clip.age"], { home, cwd: dir }), 2, /^clip\.bin: a video is not prepared/);
    const raw = await runCli(["--json", "seal", "clip.bin", "--raw", "--to", "k042", "--out", "clip.age"], { home, cwd: dir });
    expect((JSON.parse(raw.stdout) as { items: { path: string; kind: string }[] }).items.map((i) => [i.path, i.kind])).toEqual([["items/clip.bin", "file"]]);
  });

  it("an audiobook-style .m4b is a recording; a video is refused (exit 2, nothing written) unless --raw", async () => {
    const dir = join(work, "video");
    await mkdir(dir, { recursive: true });
    spawnSync("ffmpeg", ["-loglevel", "error", "-f", "lavfi", "-i", "sine=d=2", "-c:a", "aac", "-metadata", "title=Traumreise Quelltopf", "-f", "mp4", join(dir, "kapitel.m4b")]);
    spawnSync("ffmpeg", ["-loglevel", "error", "-f", "lavfi", "-i", "testsrc=d=1:s=160x120", "-metadata", "location=+52.5200+013.4050/", "-metadata", "artist=Zyxwvu Quelltopf", join(dir, "uebung.mp4")]);
    for (const name of ["kapitel.m4b", "uebung.mp4"]) expect(spawnSync("exiftool", ["-a", join(dir, name)], { encoding: "utf8" }).stdout).toContain("Quelltopf");
    oneLine(
      await runCli(["seal", "kapitel.m4b", "uebung.mp4", "--to", "k042", "--out", "video.age"], { home, cwd: dir }),
      2,
      /^uebung\.mp4: a video is not prepared and would keep where, with what and when it was filmed\. Send its sound with 'nachklang send --audio', or seal it as it is with --raw\.$/,
    );
    expect((await readdir(dir)).sort()).toEqual(["kapitel.m4b", "uebung.mp4"]);
    const audio = await runCli(["--json", "seal", "kapitel.m4b", "--to", "k042", "--out", "audio.age"], { home, cwd: dir });
    expect(audio.code, audio.stderr).toBe(0);
    expect((JSON.parse(audio.stdout) as { items: { path: string; kind: string }[] }).items.map((i) => [i.path, i.kind])).toEqual([["items/recording-1.m4a", "audio"]]);
    const raw = await runCli(["--json", "seal", "uebung.mp4", "--raw", "--to", "k042", "--out", "raw.age"], { home, cwd: dir });
    expect(raw.code, raw.stderr).toBe(0);
    expect((JSON.parse(raw.stdout) as { items: { path: string; kind: string }[] }).items.map((i) => [i.path, i.kind])).toEqual([["items/uebung.mp4", "file"]]);
  });
});

describe.skipIf(missing("ffmpeg") || missing("exiftool"))("seal asks a film-or-recording container what it holds", () => {
  it("a WMA and an audio-only .3gp are prepared as recordings; QuickTime without ftyp, WMV and MPEG-TS films are refused; UTF-16 text stays a file", async () => {
    const dir = join(work, "containers");
    await mkdir(dir, { recursive: true });
    const tags = ["-metadata", "title=Traumreise Quelltopf", "-metadata", "artist=Zyxwvu Quelltopf"];
    const make = (name: string, args: string[]) => expect(spawnSync("ffmpeg", ["-loglevel", "error", ...args, ...tags, join(dir, name)]).status, name).toBe(0);
    make("stimme.wma", ["-f", "lavfi", "-i", "sine=d=2", "-c:a", "wmav2", "-f", "asf"]);
    make("diktat.3gp", ["-f", "lavfi", "-i", "sine=d=2", "-c:a", "aac", "-f", "3gp"]);
    make("film.wmv", ["-f", "lavfi", "-i", "testsrc=d=1:s=160x120", "-f", "asf"]);
    make("00001.mts", ["-f", "lavfi", "-i", "testsrc=d=1:s=160x120", "-f", "mpegts"]);
    make("film.mov", ["-f", "lavfi", "-i", "testsrc=d=1:s=160x120", "-f", "mov"]);
    // A QuickTime file as older cameras write it: no `ftyp` atom, the movie atoms first.
    const mov = await readFile(join(dir, "film.mov"));
    await writeFile(join(dir, "IMG_0042.qt"), mov.subarray(mov.readUInt32BE(0)));
    expect((await readFile(join(dir, "IMG_0042.qt"))).subarray(4, 8).toString("latin1")).not.toBe("ftyp");
    // Windows Notepad's "Unicode" text: its byte-order mark FF FE looks like an MPEG frame sync.
    await writeFile(join(dir, "Hausaufgabe.txt"), Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from("Hallo, bis Dienstag.\r\n", "utf16le")]));
    for (const name of ["stimme.wma", "diktat.3gp", "film.wmv"]) expect(spawnSync("exiftool", ["-a", join(dir, name)], { encoding: "utf8" }).stdout, name).toContain("Quelltopf");

    // Text without an extension whose first bytes spell a QuickTime atom ("free" at byte 4).
    await writeFile(join(dir, "hinweis"), "Get free parking at the back of the building.\n");
    const sealed = await runCli(["--json", "seal", "stimme.wma", "diktat.3gp", "Hausaufgabe.txt", "hinweis", "--to", "k042", "--out", "containers.age"], { home, cwd: dir });
    expect(sealed.code, sealed.stderr).toBe(0);
    const { items } = JSON.parse(sealed.stdout) as { items: { path: string; kind: string }[] };
    expect(items.map((i) => [i.path, i.kind])).toEqual([
      ["items/recording-1.m4a", "audio"],
      ["items/recording-2.m4a", "audio"],
      ["items/Hausaufgabe.txt", "file"],
      ["items/hinweis", "file"],
    ]);
    const opened = await runCli(["open", "containers.age", "--out", "opened"], { home, cwd: dir });
    expect(opened.code, opened.stderr).toBe(0);
    for (const item of items) expect(spawnSync("exiftool", ["-a", join(dir, "opened", item.path)], { encoding: "utf8" }).stdout).not.toMatch(/Quelltopf/);
    for (const film of ["IMG_0042.qt", "film.wmv", "00001.mts"]) {
      oneLine(await runCli(["seal", film, "--to", "k042", "--out", "film.age"], { home, cwd: dir }), 2, new RegExp(`^${film.replace(".", "\\.")}: a video is not prepared`));
    }
    expect((await readdir(dir)).includes("film.age")).toBe(false);
  });
});

describe.skipIf(missing("ffmpeg"))("seal names prepared photos and recordings neutrally", () => {
  it("a file name with a client's name or the time taken stays home, and so does its modification time; other files and --raw keep their names", async () => {
    const dir = join(work, "names");
    await mkdir(dir, { recursive: true });
    const identity = await generateX25519Identity();
    expect((await runCli(["client", "add", "k077", "--lang", "de", "--age-recipient", await identityToRecipient(identity)], { home })).code).toBe(0);
    await madePhoto(join(dir, "Genogramm_Familie_Mueller.jpg"));
    await madePhoto(join(dir, "IMG_20261120_160500.png"), "png");
    await madeRecording(join(dir, "Mueller Sicherer Ort 2026-11-20.wav"));
    await writeFile(join(dir, "Arbeitsblatt.txt"), "Notizen\n");
    const inputs = ["Genogramm_Familie_Mueller.jpg", "IMG_20261120_160500.png", "Mueller Sicherer Ort 2026-11-20.wav", "Arbeitsblatt.txt"];
    // Files last changed on 2020-01-01: that time must not travel either.
    const old = new Date("2020-01-01T10:00:00Z");
    for (const name of inputs) await utimes(join(dir, name), old, old);
    const started = Date.now();
    const sealed = await runCli(["--json", "seal", ...inputs, "--to", "k077", "--out", "names.age"], { home, cwd: dir });
    expect(sealed.code, sealed.stderr).toBe(0);
    const { items } = JSON.parse(sealed.stdout) as { items: { path: string }[] };
    expect(items.map((i) => i.path)).toEqual(["items/foto-1.jpg", "items/foto-2.jpg", "items/aufnahme-1.m4a", "items/Arbeitsblatt.txt"]);
    // What the client gets: the opened folder and the signed manifest name none of them.
    const opened = await runCli(["open", "names.age", "--out", "opened"], { home, cwd: dir });
    expect(opened.code, opened.stderr).toBe(0);
    expect((await readdir(join(dir, "opened", "items"))).sort()).toEqual(["Arbeitsblatt.txt", "aufnahme-1.m4a", "foto-1.jpg", "foto-2.jpg"]);
    const manifest = await readFile(join(dir, "opened", "manifest.json"), "utf8");
    expect(manifest).not.toMatch(/Mueller|Genogramm|20261120|IMG_/);
    // Timestamps: the client's own key opens the bundle; every tar entry carries the bundle's
    // creation time (bundle-format.md), not the inputs' 2020; opened items are new files.
    const decrypter = new Decrypter();
    decrypter.addIdentity(identity);
    const entries = tar.extract();
    entries.end(Buffer.from(await decrypter.decrypt(await readFile(join(dir, "names.age")))));
    const headers: { name: string; mtime?: Date }[] = [];
    for await (const entry of entries) {
      headers.push(entry.header);
      entry.resume();
    }
    expect(headers.map((h) => h.name)).toEqual(["manifest.json", "manifest.json.minisig", ...items.map((i) => i.path)]);
    const created = Math.floor(Date.parse((JSON.parse(manifest) as { created: string }).created) / 1000);
    for (const h of headers) expect(Math.floor(h.mtime!.getTime() / 1000), h.name).toBe(created);
    for (const name of await readdir(join(dir, "opened", "items"))) expect((await stat(join(dir, "opened", "items", name))).mtimeMs, name).toBeGreaterThanOrEqual(started - 1000);
    // --raw seals files exactly as they are, names too (docs/media.md).
    const raw = await runCli(["--json", "seal", "Genogramm_Familie_Mueller.jpg", "--raw", "--to", "k077", "--out", "raw.age"], { home, cwd: dir });
    expect(raw.code, raw.stderr).toBe(0);
    expect((JSON.parse(raw.stdout) as { items: { path: string }[] }).items.map((i) => i.path)).toEqual(["items/Genogramm_Familie_Mueller.jpg"]);
  });
});

describe("output that cannot be written", () => {
  it("seal or open into a place that is not a folder: exit 2, one line naming it", async () => {
    oneLine(await runCli(["seal", "a.txt", "--to", "k042", "--out", "/dev/full/x.age"], { home, cwd: work }), 2, /^\/dev\/full\/x\.age: cannot be written there \(E[A-Z]+\); nothing was written/);
    oneLine(await runCli(["--lang", "de", "open", bundle, "--out", "/dev/full/x"], { home }), 2, /^\/dev\/full\/x: kann hier nicht geschrieben werden/);
  });

  it("every other --out, --home or --templates below a file: exit 2, one line naming the place, nothing left beside it", async () => {
    const file = join(work, "plain.txt");
    await writeFile(file, "not a folder\n");
    await writeFile(join(work, "viewer-pass.txt"), "a long enough viewer passphrase\n");
    const backup = await runCli(["backup", "--out", "backup.age"], { home, cwd: work });
    expect(backup.code, backup.stderr).toBe(0);
    const below = (name: string) => join(file, name);
    const cases: [string[], string][] = [
      [["time", "report", "--month", "2026-11", "--out", below("r.csv")], below("r.csv")],
      [["viewer", bundle, "--viewer-passphrase-file", "viewer-pass.txt", "--out", below("v.html")], below("v.html")],
      [["keys", "export", "--minisign", below("p.pub")], below("p.pub")],
      [["keys", "recovery", "--out", below("r.txt")], below("r.txt")],
      [["backup", "--out", below("b.age")], below("b.age")],
      [["media", "photo", join(FIXTURES, "tiny.jpg"), "--out", below("photos")], below("photos")],
      [["templates", "new", "mine", "--kind", "homework", "--templates", below("t")], join(below("t"), "en", "mine.md")],
      [["restore", "backup.age", "--home", below("home")], below("home")],
      [["init", "--name", "Praxis", "--home", below("home")], below("home")],
    ];
    for (const [args, named] of cases) {
      const r = await runCli(args, { home, cwd: work });
      expect(r.code, `${args.join(" ")}: ${r.stderr}`).toBe(2);
      // backup says first that there is no recovery key yet (its own warning line).
      const last = r.stderr.trimEnd().split("\n").at(-1) ?? "";
      expect(r.stderr, args.join(" ")).not.toMatch(/^\s+at |Internal error|node:internal/m);
      expect(last, args.join(" ")).toBe(`${named}: cannot be written there (${last.match(/\((E[A-Z]+)\)/)?.[1] ?? "?"}); nothing was written. Please check the path and permissions, or name another place.`);
    }
    expect((await readdir(work)).filter((n) => n.startsWith("plain.txt"))).toEqual(["plain.txt"]);
  });

  // A full disk needs a small file system: a 2 MiB tmpfs, which only root may mount.
  let small: string;
  let mounted = false;
  beforeAll(async () => {
    small = join(work, "small");
    await mkdir(small, { recursive: true });
    mounted = spawnSync("mount", ["-t", "tmpfs", "-o", "size=2m", "tmpfs", small]).status === 0;
    if (!mounted) console.warn("SKIPPED: full-disk tests (mounting a 2 MiB tmpfs needs root)");
  });
  afterAll(() => {
    if (mounted) spawnSync("umount", [small]);
  });

  // A small and a larger seal (the larger one fails mid-payload).
  it.for([3, 9])("seal of %i MiB onto a full disk: exit 1, one line, no partial file", async (mib, context) => {
    if (!mounted) return context.skip();
    await writeFile(join(work, `big-${mib}.bin`), randomBytes(mib * 1024 * 1024));
    const out = join(small, `big-${mib}.age`);
    oneLine(await runCli(["seal", `big-${mib}.bin`, "--to", "k042", "--out", out], { home, cwd: work }), 1, /big-\d\.age: the disk is full; nothing was written/);
    expect(await readdir(small)).toEqual([]);
  });

  it("media photo and media audio onto a full disk: the disk is full (exit 1), one line, no partial file", async (context) => {
    if (!mounted || missing("ffmpeg")) return context.skip();
    const photo = join(work, "full-photo.jpg");
    const recording = join(work, "full-recording.wav");
    await madePhoto(photo);
    await madeRecording(recording);
    // Filled to the last byte: the write stops at ENOSPC and keeps what fitted.
    const filler = join(small, "filler");
    await expect(writeFile(filler, Buffer.alloc(4 * 1024 * 1024))).rejects.toMatchObject({ code: "ENOSPC" });
    try {
      oneLine(await runCli(["media", "photo", photo, "--out", join(small, "photos")], { home }), 1, /full-photo\.jpg: the disk is full; nothing was written/);
      oneLine(await runCli(["media", "audio", recording, "--out", join(small, "aufnahme.m4a")], { home }), 1, /aufnahme\.m4a: the disk is full; nothing was written/);
      const left = await readdir(small);
      expect(left.filter((n) => n !== "filler" && n !== "photos")).toEqual([]);
      expect(await readdir(join(small, "photos")).catch(() => [])).toEqual([]);
    } finally {
      await rm(filler, { force: true });
      await rm(join(small, "photos"), { recursive: true, force: true });
    }
  });

  it("open onto a small file system keeps a twentieth of it free, not 256 MiB: a small bundle opens, a large one is named with what it needs", async (context) => {
    if (!mounted) return context.skip();
    await writeFile(join(work, "note.txt"), "Bis bald");
    expect((await runCli(["seal", "note.txt", "--to", "k042", "--out", "small.age"], { home, cwd: work })).code).toBe(0);
    const opened = await runCli(["open", "small.age", "--out", join(small, "opened-small")], { home, cwd: work });
    expect(opened.code, opened.stderr).toBe(0);
    expect(await readFile(join(small, "opened-small", "items", "note.txt"), "utf8")).toBe("Bis bald");
    await rm(join(small, "opened-small"), { recursive: true });
    await writeFile(join(work, "three-mib.bin"), randomBytes(3 * 1024 * 1024));
    expect((await runCli(["seal", "three-mib.bin", "--to", "k042", "--out", "three-mib.age"], { home, cwd: work })).code).toBe(0);
    oneLine(await runCli(["open", "three-mib.age", "--out", join(small, "opened-large")], { home, cwd: work }), 1, /^three-mib\.age: the contents need 3 MB, and 1 MB stay free on the disk; only [12] MB are free here\. Nothing was written\./);
    expect(await readdir(small)).toEqual([]);
  });

  it("open onto a full disk past the free-space check: the disk is full (exit 1), not a damaged bundle", async (context) => {
    if (!mounted) return context.skip();
    await writeFile(join(work, "three.bin"), randomBytes(3 * 1024 * 1024));
    expect((await runCli(["seal", "three.bin", "--to", "k042", "--out", "three.age"], { home, cwd: work })).code).toBe(0);
    expect((await runCli(["keys", "export", "--identity", join(work, "full-id.txt")], { home })).code).toBe(0);
    const identity = (await readFile(join(work, "full-id.txt"), "utf8")).match(/AGE-SECRET-KEY-1\S+/)![0];
    // A negative reserve lets the 3 MiB past the check into 2 MiB: the staging writes fail.
    const limits = { ...DEFAULT_LIMITS, reserveBytes: -16 * 1024 * 1024 };
    const target = join(small, "opened");
    const signer = { fingerprint: (JSON.parse((await runCli(["--json", "keys", "show"], { home })).stdout) as { fingerprint: string }).fingerprint };
    await expect(openBundle(join(work, "three.age"), target, { keys: { identities: [identity] }, signer, limits })).rejects.toMatchObject({
      key: "file.noSpace",
      code: 1,
      params: { file: target },
    });
    expect(await readdir(small)).toEqual([]);
  });
});

describe("Ctrl-C leaves nothing behind", () => {
  let big: string;

  beforeAll(async () => {
    big = join(work, "big.bin");
    await writeFile(big, "");
    await truncate(big, 400 * 1024 * 1024); // sparse: quick to make, slow enough to interrupt
  });

  it("while sealing: no partial bundle in the folder it writes to (the current one), nothing in the outbox", async () => {
    const before = await readdir(work);
    const r = await interrupt(["seal", big, "--to", "k042"], work, async () => (await readdir(work)).some((n) => n.endsWith(".partial")));
    expect(r.interrupted, "finished before it could be interrupted").toBe(true);
    expect(r.code).toBe(130);
    expect(r.stderr.trim()).toBe("Interrupted.");
    expect(await readdir(work)).toEqual(before);
    expect(await readdir(join(home, "outbox"))).toEqual([]);
  });

  it("never replaces what came to be at --out while it sealed, nor a dangling symlink there; a killed run's partial file blocks nothing", async () => {
    const target = join(work, "race.age");
    const child = spawn(process.execPath, [BIN, "seal", big, "--to", "k042", "--out", target], {
      cwd: work,
      env: { ...process.env, NACHKLANG_HOME: home, NACHKLANG_PASSPHRASE: PASSPHRASE, NACHKLANG_INSECURE_TEST_SCRYPT_LOG_N: "10", LANG: "en_US.UTF-8" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stderr = "";
    child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
    const closed = new Promise<number | null>((resolve) => child.on("close", resolve));
    const started = Date.now();
    while (!(await readdir(work)).some((n) => n.startsWith("race.age.") && n.endsWith(".partial"))) {
      expect(Date.now() - started, "no partial file appeared").toBeLessThan(30_000);
      await new Promise((r) => setTimeout(r, 5));
    }
    await writeFile(target, "IMPORTANT");
    expect([await closed, stderr]).toEqual([2, `${target} already exists; nothing was overwritten. Please choose another name.\n`]);
    expect(await readFile(target, "utf8")).toBe("IMPORTANT");
    expect((await readdir(work)).filter((n) => n.endsWith(".partial"))).toEqual([]);

    const dangling = join(work, "dangling.age");
    await symlink(join(work, "nowhere"), dangling);
    oneLine(await runCli(["seal", "a.txt", "--to", "k042", "--out", dangling], { home, cwd: work }), 2, new RegExp(`^${literal(dangling)} already exists`));
    // What a run killed outright (SIGKILL) left under the old fixed name.
    await writeFile(join(work, "after-kill.age.partial"), "");
    const sealed = await runCli(["seal", "a.txt", "--to", "k042", "--out", join(work, "after-kill.age")], { home, cwd: work });
    expect(sealed.code, sealed.stderr).toBe(0);
  }, 60_000);

  it("large input refused before its payload: a wrong passphrase ends the command at once", async () => {
    const started = Date.now();
    oneLine(await runCli(["seal", big, "--to", "k042"], { home, cwd: work, env: { NACHKLANG_PASSPHRASE: "wrong" } }), 2, /^Wrong passphrase/);
    const sealed = join(work, "big-refused.age");
    expect((await runCli(["seal", big, "--to", "k042", "--out", sealed], { home })).code).toBe(0);
    oneLine(await runCli(["verify", sealed], { home, env: { NACHKLANG_PASSPHRASE: "wrong" } }), 2, /^Wrong passphrase/);
    oneLine(await runCli(["open", sealed, "--out", join(work, "never")], { home, env: { NACHKLANG_PASSPHRASE: "wrong" } }), 2, /^Wrong passphrase/);
    // Four commands, one of which seals 400 MiB: seconds, not the test's time-out.
    expect(Date.now() - started).toBeLessThan(30_000);
    await expect(stat(join(work, "never"))).rejects.toThrow();
  }, 60_000);

  it("while opening: no staging folder and no target", async () => {
    const sealed = await runCli(["--json", "seal", big, "--to", "k042", "--out", join(work, "big.age")], { home });
    expect(sealed.code, sealed.stderr).toBe(0);
    const cwd = join(work, "interrupted-open");
    await mkdir(cwd);
    const r = await interrupt(["open", join(work, "big.age"), "--out", join(cwd, "out")], cwd, async () => (await readdir(cwd)).some((n) => n.startsWith(".nachklang-open-")));
    expect(r.interrupted, "finished before it could be interrupted").toBe(true);
    expect(r.code).toBe(130);
    expect(await readdir(cwd)).toEqual([]);
  });
});
