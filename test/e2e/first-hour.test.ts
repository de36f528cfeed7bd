/**
 * The first hour of a German practice, through the real CLI: one meaning per passphrase flag,
 * configuration refused when it is made, messages in the practice's language, `seal` preparing
 * media into the current folder, a homework in another language than the client's, removing a
 * client with follow-ups waiting, and the documented exit codes of `outbox flush`.
 */
import { mkdir, readdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateIdentity, identityToRecipient } from "../../src/age/index.js";
import { PASSPHRASE, runCli, tempDir, type CliResult } from "../helpers/cli.js";
import { madePhoto, madeRecording } from "../helpers/made-media.js";
import { missing } from "../helpers/tools.js";

let home: string;
let work: string;
let cleanup: () => Promise<void>;
/** A file holding the keyring passphrase. */
let keyringFile: string;

const cli = (args: string[], env: Record<string, string | undefined> = {}) => runCli(args, { home, cwd: work, env });

async function ok(args: string[], env: Record<string, string | undefined> = {}): Promise<CliResult> {
  const r = await cli(args, env);
  if (r.code !== 0) throw new Error(`${args.join(" ")} → ${r.code}\n${r.stderr}`);
  return r;
}

/** One line on stderr with this exit code; nothing on stdout. */
function refused(r: CliResult, code: number, line: string | RegExp): void {
  expect(r.code, r.stderr).toBe(code);
  expect(r.stdout).toBe("");
  expect(r.stderr.trimEnd().split("\n")).toHaveLength(1);
  if (typeof line === "string") expect(r.stderr.trimEnd()).toBe(line);
  else expect(r.stderr.trimEnd()).toMatch(line);
}

/** A client with an age key of their own and consent for the folder channel. */
async function client(alias: string, lang = "de"): Promise<void> {
  await ok(["client", "add", alias, "--lang", lang, "--age-recipient", await identityToRecipient(generateIdentity())]);
  await ok(["consent", "record", alias, "--channel", "folder", "--date", "2026-11-01"]);
}

beforeAll(async () => {
  const dir = await tempDir("nachklang-first-hour-");
  cleanup = dir.cleanup;
  home = join(dir.dir, "home");
  work = join(dir.dir, "work");
  await mkdir(work);
  await ok(["init", "--name", "Praxis Erste Stunde", "--lang", "de"]);
  keyringFile = join(work, "keyring-passphrase.txt");
  await writeFile(keyringFile, `${PASSPHRASE}\n`);
  await client("k030");
});
afterAll(() => cleanup());

describe("one meaning per passphrase flag", () => {
  it("--passphrase-file is the keyring's, before or after the command", async () => {
    const noEnv = { NACHKLANG_PASSPHRASE: undefined };
    expect((await cli(["client", "list", "--passphrase-file", keyringFile], noEnv)).stdout).toMatch(/^k030\tde\t/m);
    expect((await cli(["--passphrase-file", keyringFile, "client", "show", "k030"], noEnv)).code).toBe(0);
    // Without any source (and no agent) the line names the keyring and the flag that gives its passphrase.
    refused(
      await cli(["client", "list"], noEnv),
      2,
      "Gesperrt: bitte „nachklang unlock“ ausführen (oder die Passphrase des Schlüsselbunds mit --passphrase-file DATEI oder NACHKLANG_PASSPHRASE angeben).",
    );
  });

  it("the old way of giving a viewer passphrase now gives the keyring's, and is not taken for a viewer's", async () => {
    const viewerFile = join(work, "viewer.txt");
    await writeFile(viewerFile, "herbst-laub-fenster-3\n");
    refused(await cli(["client", "passphrase", "k030", "--passphrase-file", viewerFile]), 2, "Bitte genau eines angeben: --viewer-passphrase-file DATEI oder --generate.");
    expect((await cli(["client", "passphrase", "k030", "--keyring-passphrase-file", keyringFile])).code).toBe(2);
    expect((await cli(["client", "passphrase", "k030", "--viewer-passphrase-file", viewerFile])).code).toBe(0);
  });

  it("the keyring passphrase is refused as a viewer passphrase (exit 4) in client passphrase, viewer and send --viewer", async () => {
    // The advice names the way to a generated passphrase that this command has.
    const line = (generate: string) =>
      `${keyringFile}: das ist die Passphrase des Schlüsselbunds; sie wird nie als Viewer-Passphrase verwendet (wer den Viewer öffnet, hätte den Schlüssel zu allen Unterlagen der Praxis). Bitte eine andere vereinbaren oder eine erzeugen lassen: ${generate}.`;
    refused(await cli(["client", "passphrase", "k030", "--viewer-passphrase-file", keyringFile]), 4, line("--generate"));
    await writeFile(join(work, "note.txt"), "Bis bald.\n");
    const sealed = await ok(["--json", "seal", "note.txt", "--to", "k030"]);
    const bundle = (JSON.parse(sealed.stdout) as { path: string }).path;
    refused(await cli(["viewer", bundle, "--out", "viewer.html", "--viewer-passphrase-file", keyringFile]), 4, line("--generate-passphrase"));
    refused(await cli(["send", "k030", "--note", "x", "--viewer", "--viewer-passphrase-file", keyringFile, "--yes"]), 4, line("nachklang client passphrase k030 --generate"));
    expect(await readdir(work)).not.toContain("viewer.html");
    expect(await readdir(join(home, "outbox"))).toEqual([]);
  });
});

describe("configuration that can never work is refused when it is made", () => {
  const whatsapp = /^WhatsApp wird nicht unterstützt: /;

  it("a client's channel: WhatsApp in any spelling (exit 4), an unknown name (exit 2); a type or a configured channel is fine", async () => {
    refused(await cli(["client", "add", "k060", "--channel", "whatsapp"]), 4, whatsapp);
    refused(await cli(["client", "add", "k060", "--channel", "Whats App"]), 4, whatsapp);
    refused(await cli(["client", "add", "k060", "--channel", "WhatsApp Business"]), 4, whatsapp);
    refused(
      await cli(["client", "add", "k060", "--channel", "quatsch"]),
      2,
      "„quatsch“ ist weder ein eingerichteter Kanal (folder) noch ein Kanaltyp (folder, threema, signal, wire, email). „nachklang channels list“ zeigt die Kanäle.",
    );
    expect((await ok(["client", "list"])).stdout).not.toContain("k060");
    await ok(["client", "add", "k061", "--channel", "threema"]);
    await ok(["channels", "add", "folder", "--name", "mappe", "--path", join(work, "mappe")]);
    await ok(["client", "add", "k062", "--channel", "mappe"]);
  });

  it("a channel's name: never WhatsApp (exit 4), never another type's (exit 2)", async () => {
    refused(await cli(["channels", "add", "folder", "--name", "whatsapp", "--path", "x"]), 4, whatsapp);
    refused(await cli(["channels", "add", "folder", "--name", "whats-app", "--path", "x"]), 4, whatsapp);
    refused(await cli(["channels", "add", "folder", "--name", "whatsapp-business", "--path", "x"]), 4, whatsapp);
    refused(await cli(["channels", "add", "folder", "--name", "threema", "--path", "x"]), 2, "Der Name „threema“ ist der Kanaltyp threema; ein folder-Kanal braucht einen anderen Namen (--name).");
    expect((await ok(["--json", "channels", "list"])).stdout).not.toMatch(/"name": "(whatsapp|threema)"/);
  });

  it("an alias no client can have is named as such, not answered with a 'client add' that would fail", async () => {
    for (const alias of ["k\uff11", "kö1", ""]) {
      const r = await cli(["send", alias, "--note", "x", "--dry-run"]);
      expect([r.code, r.stderr], alias).toEqual([2, `„${alias}“ ist kein gültiges Kürzel: bitte Buchstaben a–z (ohne Umlaute), Ziffern, . _ - (höchstens 64 Zeichen), z. B. k042.\n`]);
    }
  });

  it("send checks the same, before it asks for anything", async () => {
    refused(await cli(["send", "k030", "--note", "x", "--channel", "quatsch", "--yes"], { NACHKLANG_PASSPHRASE: undefined }), 2, /^„quatsch“ ist weder ein eingerichteter Kanal/);
    refused(await cli(["send", "k030", "--note", "x", "--channel", "WA", "--yes"], { NACHKLANG_PASSPHRASE: undefined }), 4, whatsapp);
  });

  it("withdrawing consent for a misspelt channel type is refused instead of withdrawing nothing", async () => {
    refused(await cli(["consent", "withdraw", "k030", "--channel", "foldr"]), 2, /^Unbekannter Kanaltyp „foldr“/);
  });

  it("a consent dated after today is refused (record, withdraw, client import); today itself is fine", async () => {
    const now = { NACHKLANG_NOW: "2026-11-20T10:00:00Z", TZ: "UTC" };
    const future = /^2026-11-21 liegt in der Zukunft; eine Einwilligung wird an dem Tag erfasst/;
    await ok(["client", "add", "k063", "--channel", "folder"]);
    refused(await cli(["consent", "record", "k063", "--channel", "folder", "--date", "2026-11-21"], now), 2, future);
    expect((await ok(["--json", "consent", "show", "k063"])).stdout).not.toContain("2026-11-21");
    await ok(["consent", "record", "k063", "--channel", "folder", "--date", "2026-11-20"], now);
    refused(await cli(["consent", "withdraw", "k063", "--channel", "folder", "--date", "2026-11-21"], now), 2, future);
    const csv = join(work, "future-consent.csv");
    await writeFile(csv, "alias,consent,consent-date\nk064,folder,2026-11-21\n");
    refused(await cli(["client", "import", csv], now), 2, /Zeile 2: 2026-11-21 liegt in der Zukunft/);
    expect((await ok(["client", "list"])).stdout).not.toContain("k064");
  });
});

describe("the practitioner's language", () => {
  it("client add --lang en in a German practice: the client is English, the message German", async () => {
    const r = await ok(["client", "add", "k003", "--lang", "en"]);
    expect(r.stdout).toBe("Klient:in „k003“ angelegt.\n");
    expect(JSON.parse((await ok(["--json", "client", "show", "k003"])).stdout)).toMatchObject({ lang: "en" });
  });

  it("templates --lang en: English content, German messages", async () => {
    expect((await ok(["templates", "render", "appointment-reminder", "--lang", "en", "--var", "date=2026-12-03", "--var", "time=16:00"])).stdout).toMatch(/^Reminder: our appointment on 3 December 2026\n/);
    refused(await cli(["templates", "show", "nope", "--lang", "en"]), 2, "Vorlage „nope“ gibt es nicht. „nachklang templates list“ zeigt alle Vorlagen.");
  });
});

describe.skipIf(missing("ffmpeg"))("seal prepares media as send does, into the current folder", () => {
  it("strips metadata, turns photos upright, normalises audio; writes <id>.age here and says so; --raw seals as is", async () => {
    await madePhoto(join(work, "tafel.jpg"));
    await madeRecording(join(work, "stimme.wav"));
    const r = await ok(["seal", "tafel.jpg", "stimme.wav", "--to", "k030"]);
    const file = /^Versiegelt: ([0-9a-z]{26}\.age) \(2 Teile, \d+ Bytes\)\. Die Datei liegt hier, nicht im Postausgang; „nachklang verify \1“ prüft sie\.$/m.exec(r.stdout)?.[1];
    expect(file, r.stdout).toBeDefined();
    expect(await readdir(join(home, "outbox"))).toEqual([]);
    await ok(["open", file!, "--out", "geoeffnet"]);
    expect((await readdir(join(work, "geoeffnet", "items"))).sort()).toEqual(["aufnahme-1.m4a", "foto-1.jpg"]);
    const before = await sharp(join(work, "tafel.jpg")).metadata();
    const after = await sharp(join(work, "geoeffnet", "items", "foto-1.jpg")).metadata();
    expect([before.exif !== undefined, before.orientation]).toEqual([true, 6]);
    expect([after.exif, after.orientation, after.width, after.height]).toEqual([undefined, undefined, 64, 96]);

    // Prepared two at a time, sealed in the order given: the recording first, though the photo is done first.
    const both = await ok(["--json", "seal", "stimme.wav", "tafel.jpg", "--to", "k030", "--out", "beide.age"]);
    expect((JSON.parse(both.stdout) as { items: { kind: string }[] }).items.map((i) => i.kind)).toEqual(["audio", "photo"]);

    const raw = await ok(["--json", "seal", "tafel.jpg", "--to", "k030", "--raw", "--out", "roh.age"]);
    expect((JSON.parse(raw.stdout) as { path: string }).path).toBe(join(work, "roh.age"));
    await ok(["open", "roh.age", "--out", "roh"]);
    expect(await readFile(join(work, "roh", "items", "tafel.jpg"))).toEqual(await readFile(join(work, "tafel.jpg")));
  }, 60_000);
});

describe("a homework in another language than the client's", () => {
  it("the advice in the error (--lang en) works", async () => {
    await ok(["templates", "new", "evening-note", "--kind", "homework", "--lang", "en"]);
    const r = await cli(["send", "k030", "--homework", "evening-note", "--dry-run"]);
    refused(
      r,
      2,
      "Vorlage „evening-note“ gibt es nicht auf de, nur auf en. Auf en senden: „send … --lang en“ (Stapeldatei: homework: { id: evening-note, lang: en }), oder die Vorlage übersetzen.",
    );
    const sent = await ok(["--json", "send", "k030", "--homework", "evening-note", "--lang", "en", "--note", "Bis bald.", "--dry-run"]);
    const { message, items } = JSON.parse(sent.stdout) as { message: string; items: { name: string; caption?: string }[] };
    // The homework in English; everything around it in the client's German.
    expect(items).toMatchObject([{ name: "evening-note.txt", caption: "New template" }]);
    expect(message).toMatch(/^Hallo,\n\nBis bald\.\n/);
    expect(message).not.toMatch(/\b(Hello|voluntary)\b/);
    const text = await ok(["send", "k030", "--homework", "evening-note", "--lang", "en", "--dry-run"]);
    expect(text.stdout).toMatch(/^Probelauf/m);
  });
});

describe("removing a client whose follow-ups wait", () => {
  it("is refused (exit 2) unless --force, which cancels them; later flushes do not trip over them", async () => {
    await client("k020");
    const queued = JSON.parse((await ok(["--json", "send", "k020", "--note", "Später.", "--at", "2027-03-01 10:00", "--yes"])).stdout) as { id: string; state: string };
    expect(queued.state).toBe("queued");
    refused(
      await cli(["client", "remove", "k020"]),
      2,
      "Für „k020“ wartet noch 1 Nachklang im Postausgang; nichts entfernt. Erst „nachklang outbox list“ prüfen, oder mit --force entfernen (die wartenden werden dann storniert).",
    );
    expect((await ok(["client", "list"])).stdout).toMatch(/^k020\t/m);
    const removed = await ok(["--json", "client", "remove", "k020", "--force"]);
    expect(JSON.parse(removed.stdout)).toEqual({ removed: "k020", cancelled: [queued.id], noLongerWaiting: [], groups: [] });
    expect(await readdir(join(home, "outbox"))).toEqual([]);
    const flush = await cli(["outbox", "flush"], { NACHKLANG_NOW: "2027-03-01T12:00:00+01:00" });
    expect(flush.code, flush.stderr).toBe(0);
    expect(flush.stdout).toBe("Nichts fällig (0 warten).\n");
    const ledger = (await readFile(join(home, "ledger", "events.jsonl"), "utf8")).trim().split("\n").map((l) => JSON.parse(l) as { ev: string });
    expect(ledger.at(-1)?.ev).toBe("cancelled");
  });
});

describe("exit codes of outbox flush, as documented", () => {
  const at = "2027-04-05 10:00";
  const due = { NACHKLANG_NOW: "2027-04-05T12:00:00+02:00" };

  it("3 when some went out and consent for others was withdrawn meanwhile; 4 when every due one was refused", async () => {
    await client("k010");
    await client("k011");
    for (const alias of ["k010", "k011"]) await ok(["send", alias, "--note", "Bis bald.", "--at", at, "--yes"]);
    await ok(["consent", "withdraw", "k011", "--channel", "folder"]);
    const partial = await cli(["outbox", "flush"], due);
    expect(partial.code, partial.stderr).toBe(3);
    expect(partial.stdout).toMatch(/^k010: /m);
    expect(partial.stderr).toMatch(/k011: .*nachklang consent record k011 --channel folder/);

    await client("k012");
    await ok(["send", "k012", "--note", "Bis bald.", "--at", at, "--yes"]);
    await ok(["consent", "withdraw", "k012", "--channel", "folder"]);
    const refusedAll = await cli(["outbox", "flush"], due);
    expect(refusedAll.code, refusedAll.stderr).toBe(4);
    expect(refusedAll.stdout).toBe("");
    // k011's refusal cannot heal: it is not tried again, only counted for the practitioner.
    const lines = refusedAll.stderr.trim().split("\n");
    expect(lines.filter((l) => /^k01\d:/.test(l)).map((l) => l.slice(0, 5))).toEqual(["k012:"]);
    expect(lines.filter((l) => !/^k01\d:/.test(l))).toEqual([expect.stringMatching(/^Nicht erneut versucht \(dauerhaft fehlgeschlagen\): 1\. /)]);
  });

  it("1 when nothing went out and a failure was not a refusal (a hand-off folder that cannot be made); send's 1 too", async () => {
    await writeFile(join(work, "not-a-folder"), "x");
    await ok(["channels", "add", "folder", "--name", "kaputt", "--path", join(work, "not-a-folder", "sub")]);
    await client("k013");
    // send: 1 when the delivery failed.
    const now = await cli(["send", "k013", "--note", "Sofort.", "--channel", "kaputt", "--now", "--yes"]);
    expect(now.code, now.stderr).toBe(1);
    expect(now.stderr).toMatch(/^Nachklang für k013 .*not-a-folder/m);
    await ok(["send", "k013", "--note", "Bis bald.", "--channel", "kaputt", "--at", at, "--yes"]);
    // k011 and k012 are still refused: one failure of another kind makes it 1, not 4.
    const failed = await cli(["outbox", "flush"], due);
    expect(failed.code, failed.stderr).toBe(1);
    expect(failed.stderr).toMatch(/^k013: /m);
  });
});
