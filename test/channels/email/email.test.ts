/**
 * The e-mail channel against a real local SMTP server: the mail carries only a neutral text and
 * the viewer; the attachment, taken from the parsed mail, opens in headless Chromium.
 */
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { attachmentName, emailChannel, type EmailSettings } from "../../../src/channels/email.js";
import type { Delivery, DeliveryProgress, DeliveryRecipient } from "../../../src/channels/contract.js";
import { channelType } from "../../../src/channels/registry.js";
import { buildViewer } from "../../../src/viewer/build.js";
import { generateViewerPassphrase } from "../../../src/viewer/passphrase.js";
import { tempDir } from "../../helpers/cli.js";
import { missing } from "../../helpers/tools.js";
import { launchChromium, openViewer, submitPassphrase } from "../../viewer/chromium.js";
import { HOMEWORK, MESSAGE, makeFollowUp, type TestFollowUp } from "../../viewer/fixture.js";
import { SMTP_PASSWORD, SMTP_USER, selfSignedCertificate, startSmtp, type LocalSmtp } from "./smtp.js";

function progress(): DeliveryProgress & { recorded: Map<string, string> } {
  const recorded = new Map<string, string>();
  return { done: recorded, recorded, record: (part, id) => Promise.resolve(void recorded.set(part, id)) };
}

function recipient(address: string | null, lang: "de" | "en" = "en"): DeliveryRecipient {
  return { alias: "k042", lang, address, pinnedKeys: {}, pinKey: () => Promise.resolve() };
}

async function channel(port: number, options: { password?: string; security?: EmailSettings["security"]; host?: string } = {}) {
  const configured = await emailChannel.configure({ host: options.host ?? "127.0.0.1", port: String(port), user: SMTP_USER, from: "Praxis Test <praxis@example.org>", passwordFile: "/unused" });
  const settings = emailChannel.settings.parse({ ...(configured.settings as object), ...(options.security ? { security: options.security } : {}) });
  const password = "password" in options ? options.password : SMTP_PASSWORD;
  return emailChannel.create({ name: "mail", settings, home: "/nonexistent", secret: (name) => (name === "password" ? password : undefined) });
}

describe("e-mail channel: settings", () => {
  it("is registered, needs a viewer and keeps the password in the keyring", async () => {
    expect(channelType("email")).toBe(emailChannel);
    expect(emailChannel.secrets).toEqual(["password"]);
    expect(emailChannel.address).toBe("email");
    const c = await emailChannel.configure({ host: "mail.example.org", port: "587", user: "u", from: "a@example.org", passwordFile: "/run/pw" });
    expect(c.secretFiles).toEqual({ password: "/run/pw" });
    const s = emailChannel.settings.parse(c.settings);
    expect(emailChannel.wantsViewer?.(s)).toBe(true);
    expect(JSON.stringify(s)).not.toContain("/run/pw");
    expect(emailChannel.describe(s).password).toBe("(secrets.age)");
  });

  it("requires TLS or STARTTLS except to this machine", async () => {
    const base = { user: "u", from: "a@example.org" };
    expect((await emailChannel.configure({ host: "mail.example.org", port: "465", ...base })).settings).toMatchObject({ security: "tls" });
    expect((await emailChannel.configure({ host: "mail.example.org", port: "587", ...base })).settings).toMatchObject({ security: "starttls" });
    expect((await emailChannel.configure({ host: "mail.example.org", port: "25", ...base })).settings).toMatchObject({ security: "starttls" });
    for (const host of ["localhost", "127.0.0.1", "::1"]) {
      expect((await emailChannel.configure({ host, port: "2525", ...base })).settings).toMatchObject({ security: "none" });
      expect(emailChannel.settings.safeParse({ host, port: 25, security: "none", ...base }).success).toBe(true);
    }
    for (const host of ["mail.example.org", "10.0.0.5", "localhost.example.org"]) {
      const r = emailChannel.settings.safeParse({ host, port: 25, security: "none", ...base });
      expect(r.success, host).toBe(false);
      expect(JSON.stringify(r.error?.issues)).toContain("only allowed to localhost");
    }
    expect(emailChannel.settings.safeParse({ host: "h", port: 70000, security: "tls", ...base }).success).toBe(false);
  });

  it("refuses a sender with control characters: a line break would begin a header of its own", async () => {
    for (const from of ["Praxis\r\nBcc: spy@example.org <praxis@example.org>", "P\u001b[2J <praxis@example.org>"]) {
      await expect(emailChannel.configure({ host: "mail.example.org", port: "587", user: "u", from })).rejects.toMatchObject({ key: "option.controlChars", params: { option: "--from" }, code: 2 });
    }
  });
});

describe.skipIf(missing("chromium") || missing("ffmpeg"))("e-mail channel against a local SMTP server", () => {
  let smtp: LocalSmtp;
  let browser: Browser;
  let dir: string;
  let cleanup: () => Promise<void>;
  let fixture: TestFollowUp;
  let viewerPath: string;
  const passphrase = generateViewerPassphrase();

  const delivery = (over: Partial<Delivery> = {}): Delivery => ({
    bundleId: fixture.followUp.manifest.id,
    bundlePath: join(dir, `${fixture.followUp.manifest.id}.age`),
    followUp: fixture.followUp,
    recipient: recipient("client@example.org"),
    progress: progress(),
    viewerPath,
    ...over,
  });

  beforeAll(async () => {
    ({ dir, cleanup } = await tempDir());
    fixture = await makeFollowUp(dir);
    viewerPath = join(dir, "viewer.html");
    await writeFile(viewerPath, await buildViewer({ followUp: fixture.followUp, minisignPublicKey: fixture.publicKey, passphrase, scryptLogN: 10 }));
    smtp = await startSmtp();
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await smtp?.close();
    await cleanup?.();
  });

  it("checks the connection and the login", async () => {
    expect(await (await channel(smtp.port)).check()).toMatchObject({ ok: true, lines: [{ key: "email.ready", ok: true }] });
    expect(await (await channel(smtp.port, { password: "wrong" })).check()).toMatchObject({ ok: false, lines: [{ key: "email.loginRefused" }] });
    expect(await (await channel(smtp.port, { password: undefined })).check()).toMatchObject({ ok: false, lines: [{ key: "email.noPassword" }] });
    const closed = await startSmtp();
    const port = closed.port;
    await closed.close();
    expect(await (await channel(port)).check()).toMatchObject({ ok: false, lines: [{ key: "email.unreachable" }] });
  });

  it("sends a neutral mail with the viewer attached, which opens in Chromium", async () => {
    const before = smtp.mails.length;
    const p = progress();
    const result = await (await channel(smtp.port)).deliver(delivery({ progress: p }));
    expect(result.status).toBe("sent");
    expect(smtp.mails.length).toBe(before + 1);
    const mail = smtp.mails.at(-1)!;
    expect(mail.subject).toBe("Encrypted message from Praxis Test");
    expect(mail.text).toContain("you have received an encrypted message from Praxis Test");
    expect(mail.text).toContain("Message-2026-11-20.html");
    expect(mail.messageId).toBe(`<${fixture.followUp.manifest.id}@example.org>`);
    expect(p.recorded.get("mail")).toBe(mail.messageId);
    // The client greets the server with the sender's domain, not this computer's name (which
    // the server records and passes on in a Received: header).
    expect(smtp.greetings.at(-1)).toBe("example.org");

    // Nothing of the content anywhere in the mail outside the encrypted attachment.
    const raw = smtp.raw.at(-1)!.toString("utf8");
    const body = `${mail.subject ?? ""}\n${mail.text ?? ""}\n${typeof mail.html === "string" ? mail.html : ""}`;
    for (const secret of ["Bis bald", "Flipchart", "Atemübung", "three things", "k042", ...MESSAGE.split("\n"), HOMEWORK.split("\n")[0]!]) {
      expect(body).not.toContain(secret);
      expect(raw).not.toContain(secret);
    }

    expect(mail.attachments).toHaveLength(1);
    const attachment = mail.attachments[0]!;
    expect(attachment.filename).toBe("Message-2026-11-20.html");
    expect(attachment.contentType).toBe("text/html");
    expect(attachment.content.equals(await readFile(viewerPath))).toBe(true);

    const received = join(dir, "received.html");
    await writeFile(received, attachment.content);
    const v = await openViewer(browser, received);
    try {
      expect(await submitPassphrase(v.page, "not it")).toBe("wrong");
      expect(await submitPassphrase(v.page, passphrase)).toBe("open");
      expect(await v.page.locator(".message").innerText()).toBe(MESSAGE);
      await v.page.waitForFunction(() => Array.from(document.images).every((i) => i.complete && i.naturalWidth > 0));
      await v.page.waitForFunction(() => Array.from(document.querySelectorAll("audio")).every((a) => Number.isFinite(a.duration) && a.duration > 0), undefined, { timeout: 20_000 });
      expect(await v.page.locator("img").count()).toBeGreaterThan(0);
      expect(await v.page.locator("audio").count()).toBeGreaterThan(0);
      expect(v.requests.filter((u) => !u.startsWith("blob:"))).toEqual([]);
      expect(await v.violations()).toEqual([]);
    } finally {
      await v.close();
    }
  });

  it("writes to German clients in German", async () => {
    const result = await (await channel(smtp.port)).deliver(delivery({ recipient: recipient("klientin@example.org", "de") }));
    expect(result.status).toBe("sent");
    const mail = smtp.mails.at(-1)!;
    expect(mail.subject).toBe("Verschlüsselte Nachricht von Praxis Test");
    expect(mail.text).toContain("Sie haben eine verschlüsselte Nachricht von Praxis Test erhalten");
    expect(mail.attachments[0]?.filename).toBe("Nachricht-2026-11-20.html");
  });

  it("does not send twice once the mail was accepted", async () => {
    const p = progress();
    await p.record("mail", "<earlier@example.org>");
    const before = smtp.mails.length;
    expect(await (await channel(smtp.port)).deliver(delivery({ progress: p }))).toEqual({ status: "sent", ids: ["<earlier@example.org>"] });
    expect(smtp.mails.length).toBe(before);
  });

  it("fails as a value: no address, no viewer, wrong login, refused recipient, no STARTTLS", async () => {
    const before = smtp.mails.length;
    expect(await (await channel(smtp.port)).deliver(delivery({ recipient: recipient(null) }))).toMatchObject({ status: "failed", reason: "email.noAddress", retryable: false });
    expect(await (await channel(smtp.port)).deliver(delivery({ viewerPath: undefined }))).toMatchObject({ status: "failed", reason: "email.noViewer" });
    expect(await (await channel(smtp.port, { password: "wrong" })).deliver(delivery())).toMatchObject({ status: "failed", reason: "email.loginRefused", retryable: false });
    // STARTTLS required, but this server does not offer it: nothing is sent in the clear.
    expect(await (await channel(smtp.port, { security: "starttls" })).deliver(delivery())).toMatchObject({ status: "failed", reason: "email.noTls", retryable: false });
    expect(await (await channel(smtp.port, { security: "starttls" })).check()).toMatchObject({ ok: false, lines: [{ key: "email.noTls" }] });
    expect(smtp.mails.length).toBe(before);

    const strict = await startSmtp({
      onRcptTo(address, _session, callback) {
        const error = Object.assign(new Error("No such user here"), { responseCode: 550 });
        if (address.address === "nobody@example.org") callback(error);
        else callback();
      },
    });
    try {
      expect(await (await channel(strict.port)).deliver(delivery({ recipient: recipient("nobody@example.org") }))).toMatchObject({
        status: "failed",
        reason: "email.rejected",
        retryable: false,
      });
      expect(strict.mails).toHaveLength(0);
    } finally {
      await strict.close();
    }
  });

  it("verifies the server's certificate: STARTTLS and TLS with an untrusted certificate send nothing", async () => {
    const { key, cert } = await selfSignedCertificate(dir);
    const starttls = await startSmtp({ key, cert, disabledCommands: [] });
    const implicit = await startSmtp({ key, cert, secure: true });
    try {
      const viaStarttls = await (await channel(starttls.port, { host: "localhost", security: "starttls" })).deliver(delivery());
      expect(viaStarttls).toMatchObject({ status: "failed", reason: "email.tlsFailed", retryable: false });
      expect(JSON.stringify(viaStarttls)).toContain("self-signed");
      expect(await (await channel(implicit.port, { host: "localhost", security: "tls" })).deliver(delivery())).toMatchObject({ status: "failed", reason: "email.tlsFailed" });
      expect(await (await channel(implicit.port, { host: "localhost", security: "tls" })).check()).toMatchObject({ ok: false, lines: [{ key: "email.tlsFailed" }] });
      expect(starttls.mails).toHaveLength(0);
      expect(implicit.mails).toHaveLength(0);
    } finally {
      await starttls.close();
      await implicit.close();
    }
  });
});

describe("the attachment's name", () => {
  it("has the day of this computer's calendar, not UTC's (a follow-up of 00:30 in Berlin is of that day)", () => {
    const zone = process.env.TZ;
    process.env.TZ = "Europe/Berlin";
    try {
      const named = (created: string, lang: "de" | "en") => attachmentName({ followUp: { manifest: { created } }, recipient: { lang } } as unknown as Pick<Delivery, "followUp" | "recipient">);
      expect(named("2026-12-07T23:30:00.000Z", "de")).toBe("Nachricht-2026-12-08.html");
      expect(named("2026-12-07T22:30:00.000Z", "en")).toBe("Message-2026-12-07.html");
    } finally {
      if (zone === undefined) delete process.env.TZ;
      else process.env.TZ = zone;
    }
  });
});
