/** `nachklang media photo|audio` and `cache clear` through the real CLI, including Ctrl-C. */
import { execFileSync, spawn } from "node:child_process";
import { mkdir, readFile, readdir, writeFile } from "node:fs/promises";
import { basename, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BIN, FIXTURES, PASSPHRASE, ROOT, runCli, tempDir } from "../helpers/cli.js";
import { oneLine } from "../helpers/lines.js";
import { missing } from "../helpers/tools.js";

const fixture = (name: string) => join(FIXTURES, name);
let dir: string;
let cleanup: () => Promise<void>;
beforeAll(async () => ({ dir, cleanup } = await tempDir("nachklang-media-cli-")));
afterAll(() => cleanup());

describe("media photo", () => {
  it("writes <base>.jpg per input into --out and says so", async () => {
    const out = join(dir, "photos");
    const r = await runCli(["media", "photo", fixture("flipchart.png"), fixture("tiny.jpg"), "--out", out, "--max-edge", "1024", "--thumbnail"], { home: join(dir, "home") });
    expect(r.code, r.stderr).toBe(0);
    expect((await readdir(out)).sort()).toEqual(["flipchart.jpg", "flipchart.thumb.jpg", "tiny.jpg", "tiny.thumb.jpg"]);
    expect(r.stdout).toContain(`${join(out, "flipchart.jpg")} (1024×768`);
  });

  it("inputs with one base name get distinct outputs (scan.jpg, scan-2.jpg), each named on its line", async () => {
    const out = join(dir, "photos-same-name");
    const [a, b] = [join(dir, "same-name-a"), join(dir, "same-name-b")];
    await mkdir(a, { recursive: true });
    await mkdir(b, { recursive: true });
    await writeFile(join(a, "scan.png"), await readFile(fixture("flipchart.png")));
    await writeFile(join(b, "scan.jpg"), await readFile(fixture("tiny.jpg")));
    // Before the fix: the second failed with "already exists" (exit 3, partial).
    const r = await runCli(["media", "photo", join(a, "scan.png"), join(b, "scan.jpg"), "--out", out, "--thumbnail"], { home: join(dir, "home") });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toBe("");
    expect((await readdir(out)).sort()).toEqual(["scan-2.jpg", "scan-2.thumb.jpg", "scan.jpg", "scan.thumb.jpg"]);
    expect(r.stdout).toContain(`${join(a, "scan.png")} → ${join(out, "scan.jpg")} (1600×1200`);
    expect(r.stdout).toContain(`${join(b, "scan.jpg")} → ${join(out, "scan-2.jpg")} (320×240`);
    // A file from an earlier run is still never overwritten.
    const again = await runCli(["media", "photo", join(b, "scan.jpg"), "--out", out], { home: join(dir, "home") });
    expect(again.code).toBe(2);
    expect(again.stderr).toContain(join(out, "scan.jpg"));
  });

  it("--json prints the results as JSON", async () => {
    const out = join(dir, "photos-json");
    const r = await runCli(["--json", "media", "photo", fixture("tiny.jpg"), "--out", out, "--format", "webp"], { home: join(dir, "home") });
    expect(r.code, r.stderr).toBe(0);
    const json = JSON.parse(r.stdout) as { photos: { file: string; width: number; mime: string }[] };
    expect(json.photos[0]).toMatchObject({ file: join(out, "tiny.webp"), width: 320, mime: "image/webp" });
  });

  const bad = [
    ["corrupt.jpg", 1, /corrupt\.jpg: the image is damaged or incomplete/],
    ["not-an-image.jpg", 1, /not-an-image\.jpg: this is not an image/],
    ["pixel-bomb.png", 4, /pixel-bomb\.png: 900 megapixels exceed the limit of 100/],
  ] as const;
  for (const [name, code, message] of bad) {
    it(`${name}: exit ${code}, one line naming the file, nothing written`, async () => {
      const out = join(dir, `bad-${name}`);
      const r = await runCli(["media", "photo", fixture(name), "--out", out], { home: join(dir, "home") });
      expect(r.code).toBe(code);
      expect(oneLine(r.stderr)).toMatch(message);
      expect(await readdir(out).catch(() => [])).toEqual([]);
    });
  }

  it("a batch with one bad file: the good ones written, the bad one named, exit 3 (partial)", async () => {
    const out = join(dir, "batch");
    const r = await runCli(["--lang", "de", "media", "photo", fixture("tiny.jpg"), fixture("corrupt.jpg"), "--out", out], { home: join(dir, "home") });
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/corrupt\.jpg: das Bild ist beschädigt oder unvollständig/);
    expect(r.stderr).toMatch(/1 von 2 Dateien umgewandelt/);
    expect(await readdir(out)).toEqual(["tiny.jpg"]);
  });

  it("several photos, prepared two at a time, are told and listed in the order given, a bad one named in its place", async () => {
    const small = join(dir, "order", "small.jpg");
    await mkdir(join(dir, "order"), { recursive: true });
    await writeFile(small, await readFile(fixture("tiny.jpg")));
    // The large flipchart takes longest: the small photos beside it are done first.
    const inputs = [fixture("flipchart.png"), fixture("tiny.jpg"), fixture("corrupt.jpg"), small];
    const text = await runCli(["media", "photo", ...inputs, "--out", join(dir, "order", "text")], { home: join(dir, "home") });
    expect(text.code).toBe(3);
    const told = text.stdout.trim().split("\n");
    expect(told).toHaveLength(3);
    for (const [i, input] of [inputs[0]!, inputs[1]!, inputs[3]!].entries()) expect(told[i]).toContain(`${input} → `);
    expect(oneLine(text.stderr.split("\n")[0]!)).toMatch(/corrupt\.jpg: the image is damaged or incomplete/);
    const json = await runCli(["--json", "media", "photo", ...inputs, "--out", join(dir, "order", "json")], { home: join(dir, "home") });
    expect(json.code).toBe(3);
    const result = JSON.parse(json.stdout) as { photos: { file: string }[]; failed: { params: { file: string } }[] };
    expect(result.photos.map((p) => p.file)).toEqual(["flipchart.jpg", "tiny.jpg", "small.jpg"].map((f) => join(dir, "order", "json", f)));
    expect(result.failed.map((f) => f.params.file)).toEqual([inputs[2]]);
  });

  it("every photo failing, for different reasons: nothing written is a failure (exit 1), not 'partial'; --json names each", async () => {
    const out = join(dir, "all-bad");
    const inputs = [fixture("corrupt.jpg"), join(dir, "not-there.jpg")];
    const r = await runCli(["--json", "media", "photo", ...inputs, "--out", out], { home: join(dir, "home") });
    expect(r.code).toBe(1);
    const result = JSON.parse(r.stdout) as { photos: unknown[]; failed: { code: number; message: string }[] };
    expect(result.photos).toEqual([]);
    expect(result.failed.map((f) => f.code)).toEqual([1, 2]);
    expect(result.failed[1]?.message).toBe(`${inputs[1]}: file not found. Please check the path.`);
  });

  it("a bad --max-edge is a usage error (exit 2)", async () => {
    const r = await runCli(["media", "photo", fixture("tiny.jpg"), "--out", dir, "--max-edge", "0"], { home: join(dir, "home") });
    expect(r.code).toBe(2);
    expect(oneLine(r.stderr)).toMatch(/--max-edge expects a whole number from 16 to 16384, not '0'/);
  });

  it("--help says the outputs are plain files", async () => {
    const r = await runCli(["media", "photo", "--help"]);
    expect(r.stdout).toMatch(/plain \(unencrypted\)/);
  });
});

describe.skipIf(missing("ffmpeg"))("media audio", () => {
  it("writes --out, mono AAC by default, Opus from the .ogg extension", async () => {
    const m4a = join(dir, "a", "exercise.m4a");
    const ogg = join(dir, "a", "exercise.ogg");
    await mkdir(join(dir, "a"));
    const r1 = await runCli(["media", "audio", fixture("exercise.mp3"), "--out", m4a], { home: join(dir, "home") });
    expect(r1.code, r1.stderr).toBe(0);
    expect(r1.stdout).toMatch(/exercise\.mp3 → .*exercise\.m4a \(0:\d\d, \d+ KB, -29\.4 → -16 LUFS/);
    const r2 = await runCli(["media", "audio", fixture("exercise.mp3"), "--out", ogg, "--trim-silence"], { home: join(dir, "home") });
    expect(r2.code, r2.stderr).toBe(0);
    const codec = (f: string) => execFileSync("ffprobe", ["-v", "error", "-show_entries", "stream=codec_name,channels", "-of", "csv=p=0", f], { encoding: "utf8" }).trim();
    expect(codec(m4a)).toBe("aac,1");
    expect(codec(ogg)).toBe("opus,1");
    const again = await runCli(["media", "audio", fixture("exercise.mp3"), "--out", m4a], { home: join(dir, "home") });
    expect(again.code).toBe(2);
    expect(oneLine(again.stderr)).toMatch(/exercise\.m4a already exists; nothing was overwritten/);
    // A name that does not fit what is written (it wrote an MP4 named .mp3 or .wav), or a
    // --format against the name: refused before anything is processed.
    for (const [out, args, format, extension] of [
      ["exercise.mp3", [], "m4a", ".m4a"],
      ["exercise.wav", [], "m4a", ".m4a"],
      ["exercise-2.ogg", ["--format", "m4a"], "m4a", ".m4a"],
      ["exercise-2.m4a", ["--format", "opus"], "opus", ".ogg"],
    ] as const) {
      const file = join(dir, "a", out);
      const r = await runCli(["media", "audio", fixture("exercise.mp3"), "--out", file, ...args], { home: join(dir, "home") });
      expect([r.code, oneLine(r.stderr)]).toEqual([
        2,
        `${file}: the name does not fit the format ${format}; nothing was written. Please give --out with the extension ${extension} (m4a: .m4a, opus: .ogg).`,
      ]);
      expect(await readdir(join(dir, "a"))).not.toContain(out);
    }
  });

  it("ffmpeg does not inherit the keyring passphrase from NACHKLANG_PASSPHRASE", async () => {
    // A stand-in ffmpeg that notes the environment it was given, then runs the real one.
    const log = join(dir, "ffmpeg-env.txt");
    const wrapper = join(dir, "ffmpeg-wrapper.sh");
    const real = execFileSync("sh", ["-c", "command -v ffmpeg"], { encoding: "utf8" }).trim();
    await writeFile(wrapper, `#!/bin/sh\nenv >> '${log}'\nexec '${real}' "$@"\n`, { mode: 0o700 });
    const r = await runCli(["media", "audio", fixture("exercise.mp3"), "--out", join(dir, "env", "exercise.m4a")], {
      home: join(dir, "home"),
      env: { FFMPEG_PATH: wrapper, NACHKLANG_PASSPHRASE: PASSPHRASE },
    });
    expect(r.code, r.stderr).toBe(0);
    const seen = await readFile(log, "utf8");
    expect(seen).toContain("FFMPEG_PATH=");
    expect(seen).not.toContain("NACHKLANG_PASSPHRASE");
    expect(seen).not.toContain(PASSPHRASE);
  });

  it("silence.wav: converted with a warning, no gain", async () => {
    const r = await runCli(["media", "audio", fixture("silence.wav"), "--out", join(dir, "silence.m4a")], { home: join(dir, "home") });
    expect(r.code).toBe(0);
    expect(oneLine(r.stderr)).toMatch(/silence\.wav: the recording is silent \(digital silence\); it was converted without any gain/);
    expect(r.stdout).toMatch(/gain 0 dB/);
  });

  const bad = [
    ["corrupt.wav", 1, /corrupt\.wav: not readable audio \(.+\)\. Please export the recording again/],
    ["whiteboard.jpg", 1, /whiteboard\.jpg: the file has no audio stream/],
  ] as const;
  for (const [name, code, message] of bad) {
    it(`${name}: exit ${code}, one line naming the file, nothing written`, async () => {
      const out = join(dir, `bad-${name}.m4a`);
      const r = await runCli(["media", "audio", fixture(name), "--out", out], { home: join(dir, "home") });
      expect(r.code).toBe(code);
      expect(oneLine(r.stderr)).toMatch(message);
      expect((await readdir(dir)).includes(`bad-${name}.m4a`)).toBe(false);
    });
  }

  it("a WAV with an audio stream and not one sample: exit 1, no output (was a .m4a without any stream, exit 0)", async () => {
    const zero = join(dir, "null-sekunden.wav");
    execFileSync("ffmpeg", ["-hide_banner", "-loglevel", "error", "-f", "lavfi", "-i", "sine=frequency=440", "-t", "0", zero]);
    for (const format of ["m4a", "opus"]) {
      const out = join(dir, `null-sekunden-${format}.${format === "m4a" ? "m4a" : "ogg"}`);
      const r = await runCli(["--lang", "en", "media", "audio", zero, "--out", out, "--format", format], { home: join(dir, "home") });
      expect([r.code, oneLine(r.stderr)]).toEqual([1, `${zero}: the recording holds no sound at all (0 seconds). Please copy the original file again.`]);
      expect((await readdir(dir)).includes(basename(out))).toBe(false);
    }
  });

  it("an empty file: exit 1 in German and English", async () => {
    const empty = join(dir, "leer.wav");
    await writeFile(empty, "");
    const de = await runCli(["--lang", "de", "media", "audio", empty, "--out", join(dir, "leer.m4a")], { home: join(dir, "home") });
    expect(de.code).toBe(1);
    expect(oneLine(de.stderr)).toBe(`${empty}: die Datei ist leer. Bitte die Originaldatei erneut kopieren.`);
    const en = await runCli(["--lang", "en", "media", "audio", empty, "--out", join(dir, "leer.m4a")], { home: join(dir, "home") });
    expect(en.code).toBe(1);
    expect(oneLine(en.stderr)).toBe(`${empty}: the file is empty. Please copy the original file again.`);
  });

  // SIGHUP: the terminal closed under a running command (an SSH session that dropped).
  it.each([
    ["Ctrl-C (SIGINT)", "SIGINT", 130],
    ["a closed terminal (SIGHUP)", "SIGHUP", 129],
  ] as const)("%s during a transcode leaves nothing in the temp folder, no output, no ffmpeg running", async (_what, signal, exitCode) => {
    const tmp = join(dir, `tmp-${signal}`);
    await mkdir(tmp);
    const long = join(dir, `long-${signal}.wav`);
    // 20 minutes of a calm tone sequence, 22.05 kHz mono: long enough to interrupt mid-encode.
    execFileSync("ffmpeg", ["-hide_banner", "-loglevel", "error", "-f", "lavfi", "-i", "sine=frequency=220:beep_factor=2:sample_rate=22050:duration=1200", "-c:a", "pcm_s16le", long]);
    const out = join(dir, `long-${signal}.m4a`);
    const child = spawn(process.execPath, [BIN, "media", "audio", long, "--out", out], {
      cwd: ROOT,
      env: { ...process.env, TMPDIR: tmp, NACHKLANG_HOME: join(dir, "home"), LANG: "en_US.UTF-8" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stderr = "";
    child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
    const exited = new Promise<number | null>((resolve) => child.on("close", (code) => resolve(code)));
    // Wait until the encode is writing into the private temp folder.
    const started = Date.now();
    let encoding = false;
    while (!encoding && Date.now() - started < 60_000) {
      await new Promise((r) => setTimeout(r, 100));
      for (const d of await readdir(tmp)) {
        const inner = await readdir(join(tmp, d)).catch(() => [] as string[]);
        if (inner.includes("audio.m4a")) encoding = true;
      }
    }
    expect(encoding, "the encode never started").toBe(true);
    child.kill(signal);
    expect(await exited).toBe(exitCode);
    // On SIGHUP there is no terminal to say it on.
    // Only that: not also the failure of the ffmpeg the clean-up stopped ("not a readable recording").
    expect(stderr.trim()).toBe(signal === "SIGINT" ? "Interrupted." : "");
    expect(await readdir(tmp)).toEqual([]);
    expect((await readdir(dir)).includes(`long-${signal}.m4a`)).toBe(false);
    // No ffmpeg left working on our input.
    const procs = execFileSync("ps", ["-eo", "args"], { encoding: "utf8" });
    expect(procs.split("\n").filter((l) => l.includes(long) && l.includes("ffmpeg"))).toEqual([]);
  });
});

describe("cache clear", () => {
  it("empties the media cache folder of the home", async () => {
    const home = join(dir, "home-cache");
    const cache = join(home, "cache", "media");
    await mkdir(cache, { recursive: true });
    await writeFile(join(cache, "a".repeat(64) + ".age"), "x");
    await writeFile(join(cache, "b".repeat(64) + ".age"), "x");
    const r = await runCli(["cache", "clear"], { home });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/Media cache cleared \(2 entries removed\)/);
    expect(await readdir(cache)).toEqual([]);
  });
});
