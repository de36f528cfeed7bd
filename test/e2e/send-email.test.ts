/**
 * `nachklang send` through the e-mail channel, end to end: a real local SMTP server receives the
 * mail, the attachment is the passphrase viewer, and it opens in headless Chromium with the
 * client's passphrase. The mail itself carries none of the message.
 */
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FIXTURES, initHome, runCli, writeText } from "../helpers/cli.js";
import { missing } from "../helpers/tools.js";
import { SMTP_PASSWORD, SMTP_USER, startSmtp, type LocalSmtp } from "../channels/email/smtp.js";
import { launchChromium, openViewer, submitPassphrase } from "../viewer/chromium.js";

const VIEWER_PASSPHRASE = "tulpe-regen-fenster-17";
const NOTE = "Ein ruhiger Gedanke für die Woche: Sie dürfen langsam sein.";

describe.skipIf(missing("chromium") || missing("ffmpeg"))("nachklang send through e-mail", () => {
  let smtp: LocalSmtp;
  let browser: Browser;
  let home: string;
  let cleanup: () => Promise<void>;

  beforeAll(async () => {
    smtp = await startSmtp();
    browser = await launchChromium();
    ({ home, cleanup } = await initHome());
    const passwordFile = await writeText(join(home, "..", "smtp-password.txt"), `${SMTP_PASSWORD}\n`);
    const viewerFile = await writeText(join(home, "..", "viewer.txt"), `${VIEWER_PASSPHRASE}\n`);
    for (const args of [
      ["channels", "add", "email", "--host", "127.0.0.1", "--port", String(smtp.port), "--user", SMTP_USER, "--password-file", passwordFile, "--from", `Praxis Test <${SMTP_USER}>`],
      ["client", "add", "wren5-eibenhain", "--lang", "de", "--email", "klient@example.org", "--channel", "email"],
      ["client", "passphrase", "wren5-eibenhain", "--viewer-passphrase-file", viewerFile],
      ["consent", "record", "wren5-eibenhain", "--channel", "email"],
    ]) {
      const result = await runCli(args, { home });
      if (result.code !== 0) throw new Error(`${args.join(" ")}: ${result.stderr}`);
    }
  });
  afterAll(async () => {
    await browser?.close();
    await smtp?.close();
    await cleanup();
  });

  it("mails only a neutral text and the viewer, which opens with the client's passphrase", async () => {
    const sent = await runCli(["send", "wren5-eibenhain", "--note", NOTE, "--photo", join(FIXTURES, "tiny.jpg"), "--now", "--yes"], { home });
    expect(sent.code, sent.stderr).toBe(0);
    expect(smtp.mails).toHaveLength(1);
    const raw = smtp.raw[0]!.toString("utf8");
    expect(raw).not.toContain(NOTE);
    expect(raw).not.toContain("wren5-eibenhain");
    const attachment = smtp.mails[0]!.attachments.find((a) => a.filename?.endsWith(".html"));
    expect(attachment).toBeDefined();
    const file = join(home, "..", "received.html");
    await writeFile(file, attachment!.content);

    const viewer = await openViewer(browser, file);
    try {
      expect(await submitPassphrase(viewer.page, VIEWER_PASSPHRASE)).toBe("open");
      expect(await viewer.page.textContent("body")).toContain(NOTE);
      const widths = await viewer.page.$$eval("img", (imgs) => imgs.map((i) => (i).naturalWidth));
      expect(widths.length).toBeGreaterThan(0);
      expect(widths.every((w) => w > 0)).toBe(true);
      expect(viewer.requests).toEqual([]);
    } finally {
      await viewer.close();
    }
  });

  it("a client without an e-mail address is refused before anything is sealed, and the advice given fixes it", async () => {
    const viewerFile = join(home, "..", "viewer.txt");
    for (const args of [
      ["client", "add", "kiebitz8", "--lang", "de"],
      ["client", "passphrase", "kiebitz8", "--viewer-passphrase-file", viewerFile],
      ["consent", "record", "kiebitz8", "--channel", "email"],
    ]) expect((await runCli(args, { home })).code).toBe(0);
    const before = smtp.mails.length;
    const refused = await runCli(["send", "kiebitz8", "--note", "Hallo", "--channel", "email", "--now", "--yes"], { home });
    expect(refused.code).toBe(2);
    expect(refused.stderr.trim()).toBe("kiebitz8 has no address (email) for channel email; please add it with 'nachklang client edit kiebitz8 --email …'.");
    expect((await runCli(["client", "edit", "kiebitz8", "--email", "kiebitz@example.org"], { home })).code).toBe(0);
    const sent = await runCli(["send", "kiebitz8", "--note", "Hallo", "--channel", "email", "--now", "--yes"], { home });
    expect(sent.code, sent.stderr).toBe(0);
    expect(smtp.mails).toHaveLength(before + 1);
  });
});
