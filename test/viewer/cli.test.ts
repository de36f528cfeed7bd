/**
 * Round trips through the real CLI: client passphrase → seal → viewer → Chromium; the e-mail
 * channel added, listed and tested against a local SMTP server; the folder channel's --viewer.
 */
import { readdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FIXTURES, initHome, runCli, tempDir } from "../helpers/cli.js";
import { missing, missingFixture } from "../helpers/tools.js";
import { SMTP_PASSWORD, SMTP_USER, selfSignedCertificate, startSmtp, type LocalSmtp } from "../channels/email/smtp.js";
import { launchChromium, openViewer, submitPassphrase } from "./chromium.js";

const GENERATED = /([acdefghjkmnprstuvwxyz3467]{4}(?:-[acdefghjkmnprstuvwxyz3467]{4}){4})/;

describe.skipIf(missing("chromium") || missingFixture("tiny.jpg", "exercise.mp3"))("viewer and e-mail through the CLI", () => {
  let home: string;
  let cleanupHome: () => Promise<void>;
  let dir: string;
  let cleanupDir: () => Promise<void>;
  let bundle: string;
  let browser: Browser;
  let smtp: LocalSmtp;

  beforeAll(async () => {
    ({ home, cleanup: cleanupHome } = await initHome("Praxis Beispiel"));
    ({ dir, cleanup: cleanupDir } = await tempDir());
    expect((await runCli(["client", "add", "k042", "--lang", "de", "--email", "k042@example.org"], { home })).code).toBe(0);
    bundle = join(dir, "b.age");
    const sealed = await runCli(["seal", join(FIXTURES, "tiny.jpg"), join(FIXTURES, "exercise.mp3"), "--to", "k042", "--note", "Bis bald, schöne Woche!", "--out", bundle], { home });
    expect(sealed.code, sealed.stderr).toBe(0);
    browser = await launchChromium();
    smtp = await startSmtp();
  });
  afterAll(async () => {
    await browser?.close();
    await smtp?.close();
    await cleanupDir?.();
    await cleanupHome?.();
  });

  it("asks for exactly one of --generate and --viewer-passphrase-file", async () => {
    const none = await runCli(["client", "passphrase", "k042"], { home });
    expect(none.code).toBe(2);
    expect(none.stderr).toContain("exactly one of --viewer-passphrase-file FILE and --generate");
    const short = join(dir, "short.txt");
    await writeFile(short, "kurz\n");
    const r = await runCli(["client", "passphrase", "k042", "--viewer-passphrase-file", short], { home });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("too short (at least 10 characters). A generated one is safer: --generate.");
    // viewer's own option for it has another name; its advice names that one.
    const viewerShort = await runCli(["viewer", bundle, "--out", join(dir, "short.html"), "--viewer-passphrase-file", short], { home });
    expect(viewerShort.code).toBe(2);
    expect(viewerShort.stderr).toContain("A generated one is safer: --generate-passphrase.");
    expect((await runCli(["viewer", bundle, "--out", join(dir, "both.html"), "--viewer-passphrase-file", short, "--generate-passphrase"], { home })).stderr).toContain(
      "exactly one of --viewer-passphrase-file FILE and --generate-passphrase",
    );
    expect((await runCli(["client", "passphrase", "nobody", "--generate"], { home })).code).toBe(2);
  });

  it("refuses a viewer while the client has no passphrase", async () => {
    const r = await runCli(["viewer", bundle, "--out", join(dir, "none.html")], { home });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("No viewer passphrase is stored for k042");
  });

  it("generates a passphrase once, stores it, and the viewer opens with it in Chromium", async () => {
    const gen = await runCli(["client", "passphrase", "k042", "--generate", "--json"], { home });
    expect(gen.code, gen.stderr).toBe(0);
    const { passphrase, bits } = JSON.parse(gen.stdout) as { passphrase: string; bits: number };
    expect(passphrase).toMatch(GENERATED);
    expect(bits).toBeGreaterThanOrEqual(80);
    // Not shown again by `client show`.
    expect((await runCli(["client", "show", "k042"], { home })).stdout).not.toContain(passphrase);

    const out = join(dir, "viewer.html");
    const made = await runCli(["viewer", bundle, "--out", out], { home });
    expect(made.code, made.stderr).toBe(0);
    expect(made.stdout).toContain("Viewer for k042 written");
    const html = await readFile(out, "utf8");
    expect(html).not.toContain("Bis bald");
    expect(html).not.toContain(passphrase);
    expect((await runCli(["viewer", bundle, "--out", out], { home })).code).toBe(2);

    const v = await openViewer(browser, out);
    try {
      // Before opening, the page names nobody (its settings are unsigned); after, the signed manifest's sender.
      expect(await v.page.textContent("h1")).not.toContain("Praxis Beispiel");
      expect(await submitPassphrase(v.page, "falsch falsch")).toBe("wrong");
      expect(await submitPassphrase(v.page, passphrase)).toBe("open");
      expect(await v.page.textContent("h1")).toContain("Praxis Beispiel");
      expect(await v.page.locator(".message").innerText()).toBe("Bis bald, schöne Woche!");
      await v.page.waitForFunction(() => Array.from(document.images).every((i) => i.complete && i.naturalWidth > 0));
      expect(await v.page.locator("img").count()).toBe(1);
      await v.page.waitForFunction(() => Array.from(document.querySelectorAll("audio")).every((a) => Number.isFinite(a.duration) && a.duration > 0), undefined, { timeout: 20_000 });
      expect(await v.page.locator("audio").count()).toBe(1);
      expect(v.requests.filter((u) => !u.startsWith("blob:"))).toEqual([]);
      expect(await v.violations()).toEqual([]);
    } finally {
      await v.close();
    }
  });

  it("uses a passphrase given for one follow-up, and refuses above the size limit", async () => {
    const file = join(dir, "agreed.txt");
    await writeFile(file, "Sommer am See 2026\n");
    const out = join(dir, "agreed.html");
    const r = await runCli(["viewer", bundle, "--out", out, "--viewer-passphrase-file", file], { home });
    expect(r.code, r.stderr).toBe(0);
    const v = await openViewer(browser, out);
    try {
      expect(await submitPassphrase(v.page, "Sommer am See 2026")).toBe("open");
    } finally {
      await v.close();
    }

    const config = join(home, "config.json");
    const saved = await readFile(config, "utf8");
    await writeFile(config, JSON.stringify({ ...(JSON.parse(saved) as object), viewerLimitMB: 0.2 }));
    try {
      const big = await runCli(["viewer", bundle, "--out", join(dir, "big.html")], { home });
      expect(big.code).toBe(4);
      expect(big.stderr).toContain("above the limit of 0.2 MB");
      expect(big.stderr).toContain("messenger channel");
    } finally {
      await writeFile(config, saved);
    }
  });

  it("adds the e-mail channel with the password in the keyring, and tests connection and login", async () => {
    const pw = join(dir, "smtp-password");
    await writeFile(pw, `${SMTP_PASSWORD}\n`);
    const add = await runCli(["channels", "add", "email", "--host", "127.0.0.1", "--port", String(smtp.port), "--user", SMTP_USER, "--password-file", pw, "--from", "Praxis Beispiel <praxis@example.org>"], { home });
    expect(add.code, add.stderr).toBe(0);
    const config = await readFile(join(home, "config.json"), "utf8");
    expect(config).toContain(`"port": ${smtp.port}`);
    expect(config).not.toContain(SMTP_PASSWORD);
    const test = await runCli(["channels", "test", "email"], { home });
    expect(test.code, test.stdout + test.stderr).toBe(0);
    expect(test.stdout).toContain(`login as ${SMTP_USER} accepted`);
    expect(test.stdout + test.stderr).not.toContain(SMTP_PASSWORD);

    await writeFile(pw, "wrong password\n");
    expect((await runCli(["channels", "add", "email", "--name", "mail2", "--host", "127.0.0.1", "--port", String(smtp.port), "--user", SMTP_USER, "--password-file", pw, "--from", "praxis@example.org"], { home })).code).toBe(0);
    const bad = await runCli(["channels", "test", "mail2"], { home });
    expect(bad.code).toBe(1);
    expect(bad.stdout).toContain("login at 127.0.0.1 as praxis@example.org refused");

    const noPw = await runCli(["channels", "add", "email", "--name", "mail3", "--host", "127.0.0.1", "--port", "25", "--user", "u", "--from", "a@example.org"], { home });
    expect(noPw.code).toBe(2);
  });

  it("logs in over STARTTLS and over TLS when the server's certificate is trusted", async () => {
    const { key, cert, certFile } = await selfSignedCertificate(dir);
    const starttls = await startSmtp({ key, cert, disabledCommands: [] });
    const implicit = await startSmtp({ key, cert, secure: true });
    try {
      const pw = join(dir, "smtp-password-tls");
      await writeFile(pw, `${SMTP_PASSWORD}\n`);
      for (const [name, server, security] of [["mail-starttls", starttls, "starttls"], ["mail-tls", implicit, "tls"]] as const) {
        const add = await runCli(["channels", "add", "email", "--name", name, "--host", "localhost", "--port", String(server.port), "--user", SMTP_USER, "--password-file", pw, "--from", "praxis@example.org"], { home });
        expect(add.code, add.stderr).toBe(0);
        // Ports other than 465 to localhost default to plain; ask for TLS in the settings.
        const file = join(home, "config.json");
        const config = JSON.parse(await readFile(file, "utf8")) as { channels: Record<string, { settings: Record<string, unknown> }> };
        config.channels[name]!.settings.security = security;
        await writeFile(file, JSON.stringify(config));
        const untrusted = await runCli(["channels", "test", name], { home });
        expect(untrusted.code).toBe(1);
        expect(untrusted.stdout, untrusted.stdout).toContain("Secure connection to localhost");
        const trusted = await runCli(["channels", "test", name], { home, env: { NODE_EXTRA_CA_CERTS: certFile } });
        expect(trusted.code, trusted.stdout + trusted.stderr).toBe(0);
        expect(trusted.stdout).toContain(`(${security}), login as ${SMTP_USER} accepted`);
      }
    } finally {
      await starttls.close();
      await implicit.close();
    }
  });

  it("gives the folder channel a --viewer setting", async () => {
    const r = await runCli(["channels", "add", "folder", "--name", "hand", "--path", join(dir, "handoff"), "--viewer"], { home });
    expect(r.code, r.stderr).toBe(0);
    const config = JSON.parse(await readFile(join(home, "config.json"), "utf8")) as { channels: Record<string, { settings: Record<string, unknown> }> };
    expect(config.channels.hand?.settings).toEqual({ path: join(dir, "handoff"), viewer: true });
  });

  it("inbox reply takes --viewer, as the refusal without it advises, for a client without an age key", async () => {
    expect((await runCli(["channels", "add", "folder", "--name", "plain", "--path", join(dir, "plain")], { home })).code).toBe(0);
    expect((await runCli(["consent", "record", "k042", "--channel", "folder"], { home })).code).toBe(0);
    const refused = await runCli(["inbox", "reply", "k042", "--note", "Danke für Ihre Nachricht.", "--channel", "plain", "--now", "--yes"], { home });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/Please use --viewer \(passphrase from 'nachklang client passphrase k042 --generate'\)/);
    const answered = await runCli(["inbox", "reply", "k042", "--note", "Danke für Ihre Nachricht.", "--channel", "plain", "--viewer", "--now", "--yes"], { home });
    expect(answered.code, answered.stderr).toBe(0);
    const handed = await readdir(join(dir, "plain"));
    expect(handed.filter((f) => f.endsWith(".html"))).toHaveLength(1);
    expect(handed.filter((f) => f.endsWith(".age"))).toHaveLength(1);
  });
});
