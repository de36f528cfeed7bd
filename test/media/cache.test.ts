/** The encrypted, content-addressed media cache: miss, hit, keys, damage, clearing, interop with `age`. */
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { readFile, readdir, stat, utimes, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { Decrypter, Encrypter, generateIdentity, identityToRecipient } from "age-encryption";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MediaCache, clearMediaCache } from "../../src/media/index.js";
import { resetToolVersions } from "../../src/media/cache.js";
import { ffmpegVersion, findFfmpeg } from "../../src/media/ffmpeg.js";
import { normaliseAudioProfile } from "../../src/media/audio.js";
import { FIXTURES, tempDir } from "../helpers/cli.js";
import { missing } from "../helpers/tools.js";
import { keysFor } from "../helpers/keys.js";
import type { KeyringKeys } from "../../src/practice/keyring-keys.js";

const fixture = (name: string) => join(FIXTURES, name);
let dir: string;
let cleanup: () => Promise<void>;
let identity: string;
let keys: KeyringKeys;
beforeAll(async () => {
  ({ dir, cleanup } = await tempDir("nachklang-cache-"));
  identity = await generateIdentity();
  keys = await keysFor(identity);
});
afterAll(() => cleanup());

const entries = async (d: string) => (await readdir(d)).filter((n) => n.endsWith(".age")).sort();

describe.skipIf(missing("ffmpeg"))("MediaCache", () => {
  it("transcodes once: the second request is a hit with identical bytes, much faster", async () => {
    const cacheDir = join(dir, "c1");
    const cache = new MediaCache({ dir: cacheDir, keys });
    let t = performance.now();
    const miss = await cache.processAudio(fixture("exercise.mp3"), join(dir, "out1"));
    const missMs = performance.now() - t;
    t = performance.now();
    const progress: number[] = [];
    const hit = await cache.processAudio(fixture("exercise.mp3"), join(dir, "out2"), {}, { onProgress: (p) => progress.push(p) });
    const hitMs = performance.now() - t;
    expect([miss.cached, hit.cached]).toEqual([false, true]);
    expect(hit.file).toBe(join(dir, "out2", "exercise.m4a"));
    expect(await readFile(hit.file)).toEqual(await readFile(miss.file));
    const { file: _a, cached: _b, ...missFacts } = miss;
    const { file: _c, cached: _d, ...hitFacts } = hit;
    expect(hitFacts).toEqual(missFacts);
    expect(progress).toEqual([100]);
    expect(hitMs).toBeLessThan(missMs / 3);
  });

  it("names entries by keyed hash only and encrypts them (age v1, readable by the stock age CLI)", async () => {
    const cacheDir = join(dir, "c2");
    const cache = new MediaCache({ dir: cacheDir, keys });
    const r = await cache.processPhoto(fixture("flipchart.png"), join(dir, "out3"), { thumbnail: true });
    const [name, ...rest] = await entries(cacheDir);
    expect(rest).toEqual([]);
    expect(name).toMatch(/^[0-9a-f]{64}\.age$/);
    const raw = await readFile(join(cacheDir, name!));
    expect(raw.subarray(0, 21).toString()).toBe("age-encryption.org/v1");
    // Neither the output's JPEG bytes nor its facts are visible at rest.
    // (A window of the JPEG long enough that random ciphertext never matches it by chance: the
    // 3-byte JPEG signature alone turns up in about one of 150 ciphertexts of this size.)
    const jpeg = await readFile(r.file);
    expect(raw.includes(jpeg.subarray(0, 32))).toBe(false);
    expect(raw.includes(jpeg.subarray(jpeg.length >> 1, (jpeg.length >> 1) + 32))).toBe(false);
    expect(raw.includes(r.sha256)).toBe(false);
    // Another practice's key yields another name for the same input: names do not reveal inputs.
    const other = await generateIdentity();
    const foreign = new MediaCache({ dir: cacheDir, keys: await keysFor(other) });
    expect(await foreign.entryPath(fixture("flipchart.png"), "photo", {})).not.toBe(await cache.entryPath(fixture("flipchart.png"), "photo", {}));
    const hit = await cache.processPhoto(fixture("flipchart.png"), join(dir, "out4"), { thumbnail: true });
    expect(hit.cached).toBe(true);
    expect(hit.thumbnail?.file).toBe(join(dir, "out4", "flipchart.thumb.jpg"));
    expect(await readFile(hit.thumbnail!.file)).toEqual(await readFile(r.thumbnail!.file));
    if (!missing("age")) {
      const keyFile = join(dir, "key.txt");
      await writeFile(keyFile, identity + "\n", { mode: 0o600 });
      const plain = execFileSync("age", ["-d", "-i", keyFile, join(cacheDir, name!)]);
      const headerLength = plain.readUInt32BE(0);
      expect(JSON.parse(plain.subarray(4, 4 + headerLength).toString())).toMatchObject({ format: "nachklang-media-cache/1", kind: "photo" });
    }
  });

  it("keys audio on the revision of what the encoding writes: an Opus output cached before the encoder tag went is not served", async () => {
    const cacheDir = join(dir, "c-revision");
    const cache = new MediaCache({ dir: cacheDir, keys });
    const made = await cache.processAudio(fixture("exercise.mp3"), join(dir, "o-revision"), { format: "opus" });
    expect(made.cached).toBe(false);
    // The key an entry had before the revision was part of it: no entry there, one under the new key.
    const before = await cache.entryPath(fixture("exercise.mp3"), "audio", normaliseAudioProfile({ format: "opus" }));
    expect(await entries(cacheDir)).toHaveLength(1);
    expect((await entries(cacheDir)).map((n) => join(cacheDir, n))).not.toContain(before);
  });

  it("keys on the profile: another profile is a miss, the same one a hit", async () => {
    const cacheDir = join(dir, "c3");
    const cache = new MediaCache({ dir: cacheDir, keys });
    expect((await cache.processPhoto(fixture("tiny.jpg"), join(dir, "o5"), {})).cached).toBe(false);
    expect((await cache.processPhoto(fixture("tiny.jpg"), join(dir, "o6"), { format: "webp" })).cached).toBe(false);
    // Defaults spelled out are the same profile.
    expect((await cache.processPhoto(fixture("tiny.jpg"), join(dir, "o7"), { maxEdge: 2048, format: "jpeg", quality: 82 })).cached).toBe(true);
    expect(await entries(cacheDir)).toHaveLength(2);
  });

  it("treats a damaged or foreign entry as a miss and replaces it", async () => {
    const cacheDir = join(dir, "c4");
    const cache = new MediaCache({ dir: cacheDir, keys });
    await cache.processPhoto(fixture("tiny.jpg"), join(dir, "o8"));
    const [name] = await entries(cacheDir);
    const path = join(cacheDir, name!);
    const raw = await readFile(path);
    raw[raw.length - 5]! ^= 1;
    await writeFile(path, raw);
    const again = await cache.processPhoto(fixture("tiny.jpg"), join(dir, "o9"));
    expect(again.cached).toBe(false);
    expect((await cache.processPhoto(fixture("tiny.jpg"), join(dir, "o10"))).cached).toBe(true);
    // Bad input is refused the same way as without the cache.
    await expect(cache.processPhoto(fixture("pixel-bomb.png"), join(dir, "o11"))).rejects.toMatchObject({ key: "media.photo.tooManyPixels" });
  });

  it("refuses an entry whose file does not match the hash in its own header, though the encryption is intact", async () => {
    // Anyone who knows the practice's public key could seal an entry; the hash inside is what
    // ties the restored file to what was stored.
    const cacheDir = join(dir, "c5");
    const cache = new MediaCache({ dir: cacheDir, keys });
    const first = await cache.processPhoto(fixture("tiny.jpg"), join(dir, "o12"));
    const [name] = await entries(cacheDir);
    const path = join(cacheDir, name!);
    const decrypter = new Decrypter();
    decrypter.addIdentity(identity);
    const plain = Buffer.from(await decrypter.decrypt(await readFile(path)));
    plain[plain.length - 3]! ^= 1;
    const encrypter = new Encrypter();
    encrypter.addRecipient(await identityToRecipient(identity));
    await writeFile(path, await encrypter.encrypt(plain));
    const again = await cache.processPhoto(fixture("tiny.jpg"), join(dir, "o13"));
    expect(again.cached).toBe(false);
    expect(await readFile(again.file)).toEqual(await readFile(first.file));
  });

  it("clear removes every entry, remembered digest and ffmpeg version, and nothing else", async () => {
    const cacheDir = join(dir, "c1");
    await writeFile(join(cacheDir, "README"), "keep");
    // ffmpeg's version was remembered by the audio requests above (the binary is old enough).
    expect(await readdir(cacheDir)).toContain("ffmpeg.version");
    await writeFile(join(cacheDir, "c".repeat(64) + ".seen"), "d".repeat(64));
    const before = (await entries(cacheDir)).length;
    expect(before).toBeGreaterThan(0);
    expect(await clearMediaCache(cacheDir)).toBe(before);
    expect(await readdir(cacheDir)).toEqual(["README"]);
    expect(await clearMediaCache(join(dir, "absent"))).toBe(0);
  });

  it("remembers ffmpeg's version for the binary as it lies on disk, and asks again for another", async () => {
    const cacheDir = join(dir, "tools");
    const cache = new MediaCache({ dir: cacheDir, keys });
    resetToolVersions();
    const real = await cache.entryPath(fixture("exercise.mp3"), "audio", {});
    const file = join(cacheDir, "ffmpeg.version");
    const remembered = JSON.parse(await readFile(file, "utf8")) as { path: string; identity: string; version: string };
    expect(remembered.version).toBe(ffmpegVersion(findFfmpeg().ffmpegPath));
    // A remembered version is used as long as the binary is the same file…
    await writeFile(file, JSON.stringify({ ...remembered, version: "0.0-other" }));
    resetToolVersions();
    expect(await cache.entryPath(fixture("exercise.mp3"), "audio", {})).not.toBe(real);
    // …and not once the binary changed (an upgrade): ffmpeg is asked, the entry is the real one.
    await writeFile(file, JSON.stringify({ ...remembered, identity: remembered.identity + "1", version: "0.0-other" }));
    resetToolVersions();
    expect(await cache.entryPath(fixture("exercise.mp3"), "audio", {})).toBe(real);
    expect(JSON.parse(await readFile(file, "utf8"))).toEqual(remembered);
    resetToolVersions();
  });

  describe("remembered digests (an unchanged input is not hashed again)", () => {
    /** A PNG without compression: its size depends on the dimensions only, not on the colour. */
    const square = (r: number, g: number, b: number) =>
      sharp({ create: { width: 48, height: 48, channels: 3, background: { r, g, b } } })
        .png({ compressionLevel: 0 })
        .toBuffer();
    const seen = async (d: string) => (await readdir(d)).filter((n) => n.endsWith(".seen")).sort();
    const settle = () => new Promise((r) => setTimeout(r, 20));

    it("a file changed in place, with its size and modification time put back, is processed again", async () => {
      const [red, blue] = await Promise.all([square(200, 0, 0), square(0, 0, 200)]);
      expect(red.length).toBe(blue.length);
      const cacheDir = join(dir, "seen1");
      const input = join(dir, "seen1-square.png");
      await writeFile(input, red);
      // A whole second, so that putting it back below restores it to the nanosecond.
      const mtime = Math.floor(Date.now() / 1000) - 60;
      await utimes(input, mtime, mtime);
      await settle();
      const cache = new MediaCache({ dir: cacheDir, keys, settledMs: 5 });
      const first = await cache.processPhoto(input, join(dir, "seen1-a"));
      expect(first.cached).toBe(false);
      const [memo, ...more] = await seen(cacheDir);
      expect(more).toEqual([]);
      // What is remembered is a keyed digest, not the input's SHA-256.
      const sha = createHash("sha256").update(red).digest("hex");
      expect(await readFile(join(cacheDir, memo!), "utf8")).toMatch(/^[0-9a-f]{64}$/);
      expect(await readFile(join(cacheDir, memo!), "utf8")).not.toBe(sha);
      // Unchanged: a hit through the remembered digest.
      expect((await cache.processPhoto(input, join(dir, "seen1-b"))).cached).toBe(true);
      // Same bytes count, same inode, modification time set back: only the change time tells.
      const before = await stat(input, { bigint: true });
      await writeFile(input, blue);
      await utimes(input, mtime, mtime);
      const after = await stat(input, { bigint: true });
      expect([after.ino, after.size, after.mtimeNs]).toEqual([before.ino, before.size, before.mtimeNs]);
      const changed = await cache.processPhoto(input, join(dir, "seen1-c"));
      expect(changed.cached).toBe(false);
      const { data } = await sharp(changed.file).raw().toBuffer({ resolveWithObject: true });
      expect(data[2]! > data[0]!).toBe(true);
    });

    it("is consulted: a remembered digest decides which entry a file gets", async () => {
      const cacheDir = join(dir, "seen2");
      const [a, b] = [join(dir, "seen2-a.png"), join(dir, "seen2-b.png")];
      await writeFile(a, await square(10, 200, 10));
      await writeFile(b, await square(10, 10, 200));
      await settle();
      const cache = new MediaCache({ dir: cacheDir, keys, settledMs: 5 });
      const resultA = await cache.processPhoto(a, join(dir, "seen2-1"));
      const [memoA] = await seen(cacheDir);
      await cache.processPhoto(b, join(dir, "seen2-2"));
      const memoB = (await seen(cacheDir)).find((n) => n !== memoA);
      // Point b's memo at a's digest: b is now served a's result, so the memo is what was used.
      await writeFile(join(cacheDir, memoB!), await readFile(join(cacheDir, memoA!)));
      const served = await cache.processPhoto(b, join(dir, "seen2-3"));
      expect(served.cached).toBe(true);
      expect(await readFile(served.file)).toEqual(await readFile(resultA.file));
    });

    it("is not written for a file changed moments ago", async () => {
      const cacheDir = join(dir, "seen3");
      const input = join(dir, "seen3.png");
      await writeFile(input, await square(90, 90, 90));
      const fresh = new MediaCache({ dir: cacheDir, keys });
      expect((await fresh.processPhoto(input, join(dir, "seen3-a"))).cached).toBe(false);
      expect(await seen(cacheDir)).toEqual([]);
      expect((await fresh.processPhoto(input, join(dir, "seen3-b"))).cached).toBe(true);
      expect(await seen(cacheDir)).toEqual([]);
    });
  });
});
