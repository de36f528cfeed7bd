/**
 * Issue 24's small things through the real CLI: a folder named as a folder, `--json` errors as
 * JSON, batch lines and summary on one stream, plural forms, `hours` in the user's words.
 */
import { execFileSync } from "node:child_process";
import { mkdir, readdir } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateIdentity, identityToRecipient } from "../../src/age/index.js";
import { isTerminalUnsafe } from "../../src/printable.js";
import { FIXTURES, initHome, runCli } from "../helpers/cli.js";
import { oneLine } from "../helpers/lines.js";

let home: string;
let cleanup: () => Promise<void>;
let work: string;

beforeAll(async () => {
  ({ home, cleanup } = await initHome());
  work = join(home, "..", "work");
  await mkdir(join(work, "Fotos vom Flipchart"), { recursive: true });
  const add = await runCli(["client", "add", "k001", "--lang", "de", "--age-recipient", await identityToRecipient(generateIdentity())], { home });
  expect(add.code, add.stderr).toBe(0);
  const consent = await runCli(["consent", "record", "k001", "--channel", "folder", "--date", "2026-11-01"], { home });
  expect(consent.code, consent.stderr).toBe(0);
});
afterAll(() => cleanup());

describe("a folder given as a photo or audio", () => {
  it("media photo / media audio: exit 2, named as a folder, nothing written", async () => {
    const folder = join(work, "Fotos vom Flipchart");
    const out = join(work, "out");
    const photo = await runCli(["media", "photo", folder, "--out", out], { home });
    expect(photo.code).toBe(2);
    expect(oneLine(photo.stderr)).toBe(`${folder} is a folder, not a photo. Please name the photos in it (e.g. ${folder}/*.jpg).`);
    const audio = await runCli(["--lang", "de", "media", "audio", folder, "--out", join(out, "a.m4a")], { home });
    expect(audio.code).toBe(2);
    expect(oneLine(audio.stderr)).toBe(`${folder} ist ein Ordner, keine Aufnahme. Bitte die Audiodatei darin angeben.`);
    expect(await readdir(out).catch(() => [])).toEqual([]);
  });

  it("send --photo FOLDER: the problem names the folder, nothing sent", async () => {
    const folder = join(work, "Fotos vom Flipchart");
    const r = await runCli(["send", "k001", "--photo", folder, "--note", "Bis bald", "--yes"], { home });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${folder} is a folder, not a photo.`);
    expect(r.stderr).not.toMatch(/file not found/);
    expect(await readdir(join(home, "handoff")).catch(() => [])).toEqual([]);
  });

  it("a device or a pipe is named as such (exit 2), not as a missing file; a path through a file is not found", async () => {
    const fifo = join(work, "aufnahme.fifo");
    execFileSync("mkfifo", [fifo]);
    const out = join(work, "out-devices");
    const photo = await runCli(["media", "photo", "/dev/null", "--out", out], { home });
    expect(photo.code).toBe(2);
    expect(oneLine(photo.stderr)).toBe("/dev/null is not a regular file (a device or a pipe). Please name the photo or recording file itself.");
    const audio = await runCli(["--lang", "de", "media", "audio", fifo, "--out", join(out, "a.m4a")], { home });
    expect(audio.code).toBe(2);
    expect(oneLine(audio.stderr)).toBe(`${fifo} ist keine gewöhnliche Datei (ein Gerät oder eine Pipe). Bitte die Datei des Fotos oder der Aufnahme selbst angeben.`);
    const through = join(FIXTURES, "tiny.jpg", "photo.jpg");
    const missing = await runCli(["media", "photo", through, "--out", out], { home });
    expect(missing.code).toBe(2);
    expect(oneLine(missing.stderr)).toBe(`${through}: file not found. Please check the path.`);
    // send checks every item before it processes any: all three named, nothing sent.
    const send = await runCli(["--json", "send", "k001", "--photo", "/dev/null", "--audio", fifo, "--photo", through, "--note", "x", "--yes"], { home });
    expect(send.code).toBe(2);
    expect((JSON.parse(send.stdout) as { problems: { key: string }[] }).problems.map((p) => p.key)).toEqual(["media.notRegular", "file.missing", "media.notRegular"]);
    expect(await readdir(out).catch(() => [])).toEqual([]);
    expect(await readdir(join(home, "handoff")).catch(() => [])).toEqual([]);
  });

  it("seal FOLDER: exit 2, named as a folder", async () => {
    const r = await runCli(["seal", "Fotos vom Flipchart", "--to", "k001"], { home, cwd: work });
    expect(r.code).toBe(2);
    expect(oneLine(r.stderr)).toBe("Fotos vom Flipchart is a folder, not a file. Please name the files in it.");
  });

  it("a real photo next to it still works (the check is not a blanket refusal)", async () => {
    const r = await runCli(["media", "photo", join(FIXTURES, "tiny.jpg"), "--out", join(work, "ok")], { home });
    expect(r.code, r.stderr).toBe(0);
  });
});

describe("--json errors", () => {
  it("a user error: JSON on stdout with key, message and exit code; the same line on stderr", async () => {
    const folder = join(work, "Fotos vom Flipchart");
    const r = await runCli(["--json", "--lang", "de", "media", "photo", folder, "--out", join(work, "j")], { home });
    expect(r.code).toBe(2);
    const message = `${folder} ist ein Ordner, kein Foto. Bitte die Fotos darin einzeln angeben (z. B. ${folder}/*.jpg).`;
    expect(JSON.parse(r.stdout)).toEqual({ error: { code: "media.photo.isFolder", message, exitCode: 2 } });
    expect(oneLine(r.stderr)).toBe(message);
  });

  it("a file name with a bidi override and a C1 control comes out as \\u escapes and parses back to the same name", async () => {
    const name = join(work, "Flipchart \u202egpj.exe\u009b31m.jpg");
    const r = await runCli(["--json", "--lang", "en", "media", "photo", name, "--out", join(work, "j")], { home });
    expect(r.code).toBe(2);
    expect(r.stdout).toContain("\\u202e");
    expect(r.stdout).toContain("\\u009b");
    for (const c of r.stdout.trimEnd()) expect(isTerminalUnsafe(c), c.codePointAt(0)?.toString(16)).toBe(false);
    const { error } = JSON.parse(r.stdout) as { error: { code: string; message: string; exitCode: number } };
    expect(error).toMatchObject({ code: "file.missing", exitCode: 2 });
    expect(error.message).toContain(name);
    // The line on stderr names the file with each such character as '?'.
    for (const c of r.stderr.trimEnd()) expect(isTerminalUnsafe(c), c.codePointAt(0)?.toString(16)).toBe(false);
    expect(r.stderr).toContain("Flipchart ?gpj.exe?31m.jpg");
  });

  it("a refusal keeps its own exit code (4) in the JSON", async () => {
    const r = await runCli(["--json", "channels", "add", "whatsapp"], { home });
    expect(r.code).toBe(4);
    const { error } = JSON.parse(r.stdout) as { error: { code: string; exitCode: number; message: string } };
    expect(error).toMatchObject({ code: "channels.whatsappRefused", exitCode: 4 });
    expect(error.message).toBe(oneLine(r.stderr));
  });

  it("a usage error from the command line parser is JSON too", async () => {
    const r = await runCli(["--json", "media", "photo", "--no-such-option"], { home });
    expect(r.code).toBe(2);
    expect(JSON.parse(r.stdout)).toMatchObject({ error: { code: "usage", exitCode: 2 } });
  });

  it("several problems at once: the same error object, with the list beside it", async () => {
    const folder = join(work, "Fotos vom Flipchart");
    const r = await runCli(["--json", "send", "k001", "--photo", folder, "--photo", join(work, "nope.jpg"), "--note", "x", "--yes"], { home });
    expect(r.code).toBe(2);
    const json = JSON.parse(r.stdout) as { error: { code: string; message: string; exitCode: number }; problems: { key: string }[] };
    expect(json.error).toEqual({ code: "workflow.problems", message: "2 problems, nothing was processed or sent:", exitCode: 2 });
    expect(json.problems.map((p) => p.key)).toEqual(["media.photo.isFolder", "file.missing"]);
  });

  it("without --json stdout stays empty", async () => {
    const r = await runCli(["media", "photo", join(work, "Fotos vom Flipchart"), "--out", join(work, "j")], { home });
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
  });
});

describe("plural forms", () => {
  it("send says '1 item' and '0 items', not 'item(s)' (German: test/messages.test.ts)", async () => {
    const one = await runCli(["send", "k001", "--photo", join(FIXTURES, "tiny.jpg"), "--note", "Bis bald", "--now", "--yes"], { home });
    expect(one.code, one.stderr).toBe(0);
    const none = await runCli(["send", "k001", "--note", "Nur ein Gruß", "--now", "--yes"], { home });
    expect(none.code, none.stderr).toBe(0);
    expect(`${one.stdout}${none.stdout}`, `${one.stdout}${none.stdout}`).not.toContain("(s)");
    const parts = [one.stdout, none.stdout].map((out) => /(\d+) (items?),/.exec(out)?.slice(1, 3));
    expect(parts, `${one.stdout}${none.stdout}`).toEqual([
      ["1", "item"],
      ["0", "items"],
    ]);
  });
});

describe("hours in the user's words", () => {
  it("a German 'mo-do 9-18 Uhr' is accepted and echoed with German day names; English shows mo-th", async () => {
    const de = await runCli(["--lang", "de", "hours", "set", "mo-do 9–18 Uhr", "--tz", "Europe/Berlin"], { home });
    expect(de.code, de.stderr).toBe(0);
    expect(de.stdout.trim()).toBe("Kontaktzeiten: mo-do 09:00-18:00 (Europe/Berlin).");
    const showDe = await runCli(["--lang", "de", "hours", "show"], { home });
    expect(showDe.stdout).toContain("Kontaktzeiten: mo-do 09:00-18:00 (Europe/Berlin)");
    const showEn = await runCli(["--lang", "en", "hours", "show"], { home });
    expect(showEn.stdout).toContain("Contact hours: mo-th 09:00-18:00 (Europe/Berlin)");
    const json = await runCli(["--json", "hours", "show"], { home });
    expect((JSON.parse(json.stdout) as { spec: string }).spec).toBe("mo-th 09:00-18:00");
    // Back to no restriction for the other tests in this file.
    const open = await runCli(["hours", "set", "mo-su 00:00-24:00"], { home });
    expect(open.code, open.stderr).toBe(0);
  });

  it("what it still cannot read: exit 2, one line naming the part; a range that ends before it starts is named as such", async () => {
    const r = await runCli(["--lang", "de", "hours", "set", "mo-do 9-18 Uhrzeit"], { home });
    expect(r.code).toBe(2);
    expect(oneLine(r.stderr)).toMatch(/^Kontaktzeiten „mo-do 9-18 Uhrzeit“: „Uhrzeit“ nicht verstanden/);
    const backwards = await runCli(["--lang", "de", "hours", "set", "mo-do 18-9 Uhr"], { home });
    expect(backwards.code).toBe(2);
    expect(oneLine(backwards.stderr)).toBe("Kontaktzeiten „mo-do 18-9 Uhr“: „18-9“ endet nicht nach seinem Beginn; ein Zeitraum liegt innerhalb eines Tages. Beispiel: \"mo-fr 09:00-18:00\".");
  });
});
