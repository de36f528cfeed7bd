/**
 * `send` through a folder channel configured with `--viewer`: the hand-off folder receives the
 * sealed bundle and, next to it, the passphrase viewer built from the client's stored passphrase.
 */
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateIdentity, identityToRecipient } from "../../src/age/index.js";
import { FIXTURES, initHome, runCli, writeText } from "../helpers/cli.js";

describe("send with a folder channel that writes the viewer", () => {
  let home: string;
  let cleanup: () => Promise<void>;
  let folder: string;

  beforeAll(async () => {
    ({ home, cleanup } = await initHome());
    folder = join(home, "..", "mappe");
    const passphrase = await writeText(join(home, "..", "viewer-pass.txt"), "kaffee-tasse-wolke-42\n");
    for (const args of [
      ["channels", "add", "folder", "--name", "mappe", "--path", folder, "--viewer"],
      ["client", "add", "quokka42", "--lang", "de"],
      ["client", "passphrase", "quokka42", "--viewer-passphrase-file", passphrase],
      ["consent", "record", "quokka42", "--channel", "folder"],
    ]) {
      const result = await runCli(args, { home });
      if (result.code !== 0) throw new Error(`${args.join(" ")}: ${result.stderr}`);
    }
  });
  afterAll(() => cleanup());

  it("puts <id>.age and <id>.html into the folder; the page carries no plain message text", async () => {
    const note = "Ein Gedanke für die Woche, nur für Sie.";
    const sent = await runCli(["send", "quokka42", "--note", note, "--photo", join(FIXTURES, "tiny.jpg"), "--channel", "mappe", "--now", "--yes"], { home });
    expect(sent.code, sent.stderr).toBe(0);
    const files = (await readdir(folder)).sort();
    expect(files).toHaveLength(2);
    const [bundle, page] = [files.find((f) => f.endsWith(".age")), files.find((f) => f.endsWith(".html"))];
    expect(bundle).toMatch(/^[0-9a-z]{26}\.age$/);
    expect(page).toBe(bundle!.replace(/\.age$/, ".html"));
    const html = await readFile(join(folder, page!), "utf8");
    expect(html).toContain("default-src 'none'");
    expect(html).not.toContain(note);
    expect(html).not.toContain("quokka42");
  });

  it("send --viewer --viewer-passphrase-file makes the viewer for one follow-up on a plain folder channel", async () => {
    const plain = join(home, "..", "plain");
    expect((await runCli(["channels", "add", "folder", "--name", "plain", "--path", plain], { home })).code).toBe(0);
    const once = await writeText(join(home, "..", "once.txt"), "nur-dieses-eine-mal-9\n");
    const sent = await runCli(["send", "quokka42", "--note", "Nur mit Ansicht.", "--channel", "plain", "--viewer", "--viewer-passphrase-file", once, "--now", "--yes"], { home });
    expect(sent.code, sent.stderr).toBe(0);
    const files = (await readdir(plain)).sort();
    expect(files.map((f) => f.replace(/^[0-9a-z]{26}/, "ID"))).toEqual(["ID.age", "ID.html"]);

    // Without --viewer quokka42 (no age key of their own) could not open what the folder gets:
    // refused before anything is processed, the fixes named.
    const refused = await runCli(["send", "quokka42", "--note", "Ohne Ansicht.", "--channel", "plain", "--now", "--yes"], { home });
    expect(refused.code).toBe(2);
    expect(refused.stderr.trim()).toBe(
      "quokka42 could not open the follow-up sent via 'plain': the client has no age key and there is no offline viewer. Please use --viewer (passphrase from 'nachklang client passphrase quokka42 --generate'), set the channel up with --viewer, or store the client's age key ('nachklang client edit quokka42 --age-recipient age1…').",
    );
    expect(await readdir(plain)).toHaveLength(2);
    expect(await readdir(join(home, "outbox"))).toEqual([]);

    // A client with an age key of their own gets the bundle alone.
    const recipient = await identityToRecipient(generateIdentity());
    expect((await runCli(["client", "add", "wombat7", "--lang", "de", "--age-recipient", recipient], { home })).code).toBe(0);
    expect((await runCli(["consent", "record", "wombat7", "--channel", "folder"], { home })).code).toBe(0);
    const keyed = await runCli(["send", "wombat7", "--note", "Ohne Ansicht.", "--channel", "plain", "--now", "--yes"], { home });
    expect(keyed.code, keyed.stderr).toBe(0);
    expect((await readdir(plain)).map((f) => f.replace(/^[0-9a-z]{26}/, "ID")).sort()).toEqual(["ID.age", "ID.age", "ID.html"]);
  });

  it("refuses --viewer for a client without a viewer passphrase, naming the client", async () => {
    expect((await runCli(["client", "add", "nopass1", "--lang", "en"], { home })).code).toBe(0);
    expect((await runCli(["consent", "record", "nopass1", "--channel", "folder"], { home })).code).toBe(0);
    const result = await runCli(["send", "nopass1", "--note", "x", "--channel", "folder", "--viewer", "--now", "--yes"], { home });
    expect(result.code).toBe(2);
    expect(result.stderr.trim()).toBe(
      "No viewer passphrase is stored for nopass1. Please store one with 'nachklang client passphrase nopass1 --generate' (or --viewer-passphrase-file FILE for one agreed with the client).",
    );
  });
});
