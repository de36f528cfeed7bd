/**
 * The offline viewer, opened in headless Chromium: right passphrase → message, images with a
 * natural size, audio with a duration; wrong passphrase → friendly error and another try;
 * tampered copies → refusal with nothing shown; never a network request or CSP violation.
 */
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { encodePublicKey, formatFingerprint, generateSigningKey, signerFingerprint } from "../../src/bundle/signature.js";
import { nobleEd25519 } from "../../src/bundle/ed25519-noble.js";
import { buildViewer } from "../../src/viewer/build.js";
import { generateViewerPassphrase } from "../../src/viewer/passphrase.js";
import { tempDir } from "../helpers/cli.js";
import { missing } from "../helpers/tools.js";
import { launchChromium, openViewer, submitPassphrase } from "./chromium.js";
import { HOMEWORK, MESSAGE, makeFollowUp, type TestFollowUp } from "./fixture.js";

const skip = missing("chromium") || missing("ffmpeg");

describe.skipIf(skip)("offline viewer in Chromium", () => {
  let browser: Browser;
  let dir: string;
  let cleanup: () => Promise<void>;
  let fixture: TestFollowUp;
  const passphrase = generateViewerPassphrase();

  async function viewerFile(name: string, html: string): Promise<string> {
    const file = join(dir, name);
    await writeFile(file, html);
    return file;
  }

  const build = (f: TestFollowUp, extra: Partial<Parameters<typeof buildViewer>[0]> = {}) =>
    buildViewer({ followUp: f.followUp, minisignPublicKey: f.publicKey, passphrase, scryptLogN: 10, ...extra });

  beforeAll(async () => {
    ({ dir, cleanup } = await tempDir());
    fixture = await makeFollowUp(dir);
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await cleanup?.();
  });

  it("counts requests (control: a page without CSP that loads an image is caught)", async () => {
    const file = await viewerFile("control.html", '<!DOCTYPE html><img src="http://127.0.0.1:9/x.png"><script>document.body.dataset.state="x"</script>');
    const v = await openViewer(browser, file);
    try {
      await v.page.waitForTimeout(300);
      expect(v.requests).toEqual(["http://127.0.0.1:9/x.png"]);
    } finally {
      await v.close();
    }
  });

  it("shows the message, images and audio after the right passphrase, with no request at all", async () => {
    const file = await viewerFile("ok.html", await build(fixture));
    const html = await readFile(file, "utf8");
    expect(html).not.toContain("Flipchart");
    expect(html).not.toContain("Bis bald");
    const v = await openViewer(browser, file);
    try {
      // Before anything is verified: no name, only the fingerprint of the key that must verify.
      expect(await v.page.textContent("h1")).toBe("An encrypted message");
      expect(await v.page.textContent("main")).toContain(formatFingerprint(signerFingerprint(fixture.key)));
      // Wrong first: a friendly message, and the form stays for another try.
      expect(await submitPassphrase(v.page, "wrong passphrase")).toBe("wrong");
      expect(await v.page.textContent("#nk-status")).toContain("does not fit");
      expect(await v.page.locator("img, audio").count()).toBe(0);
      // Typed with capitals and spaces, as people do: still the same passphrase.
      expect(await submitPassphrase(v.page, passphrase.toUpperCase().replace(/-/g, " "))).toBe("open");
      const text = (await v.page.textContent("main")) ?? "";
      expect(text).toContain("Bis bald!");
      expect(text).toContain("Each evening, write down three things");
      expect(text).toContain(
        `From Praxis Test, signature verified (key ${fixture.followUp.manifest.practice.keyId}, fingerprint ${formatFingerprint(signerFingerprint(fixture.key))})`,
      );
      expect(await v.page.textContent("h1")).toBe("Message from Praxis Test");
      expect(await v.page.locator(".message").innerText()).toBe(MESSAGE);
      // The homework (a template's text) is Markdown: its heading shows as a heading.
      expect(await v.page.locator(".homework .text h1").innerText()).toBe("Three good things");
      expect(await v.page.locator(".homework .text").innerText()).toBe(HOMEWORK.replace(/^# /, ""));

      expect(await v.page.locator("img").count()).toBe(1);
      await v.page.waitForFunction(() => Array.from(document.images).every((i) => i.complete && i.naturalWidth > 0));
      expect(await v.page.evaluate(() => Array.from(document.images).map((i) => [i.naturalWidth, i.naturalHeight]))).toEqual([[64, 48]]);

      expect(await v.page.locator("audio").count()).toBe(2);
      await v.page.waitForFunction(() => Array.from(document.querySelectorAll("audio")).every((a) => Number.isFinite(a.duration) && a.duration > 0), undefined, { timeout: 20_000 });
      const durations = await v.page.evaluate(() => Array.from(document.querySelectorAll("audio")).map((a) => a.duration));
      for (const d of durations) expect(d).toBeGreaterThan(1.2);

      expect(v.requests.filter((u) => !u.startsWith("blob:"))).toEqual([]);
      expect(await v.violations()).toEqual([]);
    } finally {
      await v.close();
    }
  });

  async function expectRefused(file: string): Promise<void> {
    const v = await openViewer(browser, file);
    try {
      expect(await submitPassphrase(v.page, passphrase)).toBe("refused");
      const text = (await v.page.textContent("main")) ?? "";
      expect(text).toContain("changed or damaged");
      expect(text).not.toContain("Bis bald");
      expect(text).not.toContain("three things");
      expect(await v.page.locator("img, audio, a").count()).toBe(0);
      expect(v.requests.filter((u) => !u.startsWith("blob:"))).toEqual([]);
      expect(await v.violations()).toEqual([]);
    } finally {
      await v.close();
    }
  }

  it("refuses a copy whose encrypted payload was altered", async () => {
    const html = await build(fixture);
    const start = html.indexOf('id="nk-payload">') + 'id="nk-payload">'.length;
    // Change one base64 character well inside the payload (past the age header).
    const at = start + Math.floor((html.indexOf("</script>", start) - start) * 0.6);
    const flipped = html.slice(0, at) + (html[at] === "A" ? "B" : "A") + html.slice(at + 1);
    await expectRefused(await viewerFile("flipped.html", flipped));
  });

  it("refuses an item that differs from its signed hash", async () => {
    const { dir: d2, cleanup: c2 } = await tempDir();
    try {
      const f = await makeFollowUp(d2);
      const photo = f.followUp.items[0]!;
      const bytes = await readFile(photo.file);
      bytes.writeUInt8(bytes.readUInt8(bytes.length - 3) ^ 0x01, bytes.length - 3);
      await writeFile(photo.file, bytes);
      await expectRefused(await viewerFile("item.html", await build(f)));
    } finally {
      await c2();
    }
  });

  it("refuses a follow-up signed by another key than the embedded practice key", async () => {
    const other = encodePublicKey(generateSigningKey(nobleEd25519));
    await expectRefused(await viewerFile("signer.html", await build(fixture, { minisignPublicKey: other })));
  });

  it("speaks German when the client's language is German", async () => {
    const { dir: d2, cleanup: c2 } = await tempDir();
    try {
      const f = await makeFollowUp(d2, { lang: "de" });
      const v = await openViewer(browser, await viewerFile("de.html", await build(f)));
      try {
        expect(await v.page.getAttribute("html", "lang")).toBe("de");
        expect(await v.page.textContent("label[for=nk-passphrase]")).toBe("Passphrase");
        expect(await v.page.textContent("label.show")).toBe("Passphrase anzeigen");
        expect(await v.page.getAttribute("#nk-passphrase", "type")).toBe("password");
        await v.page.check("#nk-show");
        expect(await v.page.getAttribute("#nk-passphrase", "type")).toBe("text");
        expect(await v.page.textContent("h1")).toBe("Eine verschlüsselte Nachricht");
        expect(await submitPassphrase(v.page, "falsch")).toBe("wrong");
        expect(await v.page.textContent("#nk-status")).toContain("passt nicht");
        expect(await submitPassphrase(v.page, passphrase)).toBe("open");
        expect(await v.page.textContent("main")).toContain("Unterschrift geprüft");
      } finally {
        await v.close();
      }
    } finally {
      await c2();
    }
  });

  it("a homework whose text begins with its title shows the title once, as the heading", async () => {
    const titled = await makeFollowUp(dir, { homework: { caption: "Drei gute Dinge", text: "Drei gute Dinge\n\nJeden Abend drei Dinge notieren, die gut waren.\n" } });
    const v = await openViewer(browser, await viewerFile("titled.html", await build(titled)));
    try {
      expect(await submitPassphrase(v.page, passphrase)).toBe("open");
      const main = (await v.page.textContent("main")) ?? "";
      expect(main.split("Drei gute Dinge")).toHaveLength(2);
      expect(await v.page.locator(".homework h2").innerText()).toBe("Drei gute Dinge");
      expect(await v.page.locator(".homework .text").innerText()).toBe("Jeden Abend drei Dinge notieren, die gut waren.");
    } finally {
      await v.close();
    }
  });

  it("a page whose script was changed says it could not start (it was blank: the policy blocks the script)", async () => {
    const html = await build(fixture);
    const at = html.lastIndexOf("<script>") + "<script>".length;
    // One character of the decryptor changed: its hash no longer matches the page's policy.
    const changed = html.slice(0, at + 10) + (html[at + 10] === "a" ? "b" : "a") + html.slice(at + 11);
    const file = await viewerFile("changed-script.html", changed);
    const page = await browser.newPage();
    try {
      await page.goto(`file://${file}`);
      await page.waitForTimeout(300);
      expect(await page.textContent("main")).toContain("If this text stays, the page could not start");
      // The genuine page replaces the text at once.
      await page.goto(`file://${await viewerFile("genuine.html", html)}`);
      await page.waitForSelector("input[type=password]");
      expect(await page.textContent("main")).not.toContain("If this text stays");
    } finally {
      await page.close();
    }
  });

  it("without JavaScript says what it needs, and still loads nothing", async () => {
    const file = await viewerFile("noscript.html", await build(fixture));
    const context = await browser.newContext({ javaScriptEnabled: false });
    const requests: string[] = [];
    context.on("request", (r) => {
      if (!r.url().startsWith("file://")) requests.push(r.url());
    });
    try {
      const page = await context.newPage();
      await page.goto(`file://${file}`);
      expect(await page.textContent("main")).toContain("This page needs JavaScript to decrypt the message");
      expect(requests).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it("names the sender only from the signed manifest: a name put into the page's settings is never shown", async () => {
    const { dir: d2, cleanup: c2 } = await tempDir();
    try {
      const f = await makeFollowUp(d2, { name: "Praxis Signiert" });
      const html = await build(f);
      // The settings block is outside the signature and the CSP hashes: anyone can edit it.
      const forged = html.replace('<script type="application/json" id="nk-config">{', '<script type="application/json" id="nk-config">{"practice":"Praxis Gefälscht",');
      expect(forged).not.toBe(html);
      const v = await openViewer(browser, await viewerFile("unsigned-name.html", forged));
      try {
        expect(await v.page.textContent("main")).not.toContain("Gefälscht");
        expect(await submitPassphrase(v.page, passphrase)).toBe("open");
        expect(await v.page.textContent("h1")).toBe("Message from Praxis Signiert");
        expect(await v.page.textContent("main")).not.toContain("Gefälscht");
      } finally {
        await v.close();
      }
      // Without a signed name, the page says nothing about who sent it but the verified key.
      const unnamed = await makeFollowUp(d2, { name: "" });
      const v2 = await openViewer(browser, await viewerFile("unnamed.html", await build(unnamed)));
      try {
        expect(await submitPassphrase(v2.page, passphrase)).toBe("open");
        expect(await v2.page.textContent("h1")).toBe("Your message");
        expect(await v2.page.textContent(".sender")).toContain(`Signature verified (key ${unnamed.followUp.manifest.practice.keyId}`);
      } finally {
        await v2.close();
      }
    } finally {
      await c2();
    }
  });

  it("escapes the practice name and message: no markup from them becomes the page's", async () => {
    const { dir: d2, cleanup: c2 } = await tempDir();
    try {
      const evil = '</script><img src=x onerror="alert(1)"><b>bold</b>';
      const f = await makeFollowUp(d2, { message: evil, name: evil.slice(0, 200) });
      const v = await openViewer(browser, await viewerFile("evil.html", await build(f)));
      try {
        expect(await submitPassphrase(v.page, passphrase)).toBe("open");
        expect(await v.page.textContent("h1")).toContain(evil);
        expect(await v.page.locator(".message").innerText()).toBe(evil);
        expect(await v.page.locator("b").count()).toBe(0);
        expect(v.requests.filter((u) => !u.startsWith("blob:"))).toEqual([]);
      } finally {
        await v.close();
      }
    } finally {
      await c2();
    }
  });
});

