/**
 * Markdown in a note and in a template, through the real CLI: the offline viewer (headless
 * Chromium) shows it as HTML, raw HTML as text; the Threema Gateway and signal-cli emulators
 * receive the messengers' markup (`*bold*`, `_italic_`).
 */
import { readdir } from "node:fs/promises";
import { join } from "node:path";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { toHex } from "../../src/channels/threema/crypto.js";
import { initHome, runCli, writeText } from "../helpers/cli.js";
import { missing } from "../helpers/tools.js";
import { GatewayEmulator, makeIdentity } from "../channels/threema/emulator.js";
import { SignalCliEmulator } from "../channels/signal/emulator.js";
import { launchChromium, openViewer, submitPassphrase } from "../viewer/chromium.js";

const NOTE = "Schön, dass **Sie** da waren. _Bis bald_ und <b>roh</b>.\n\n- erstens\n- zweitens";
const PASSPHRASE = "kaffee-tasse-wolke-42";

let home: string;
let cleanup: () => Promise<void>;

const ok = async (args: string[]) => {
  const r = await runCli(args, { home });
  if (r.code !== 0) throw new Error(`${args.join(" ")} → ${r.code}\n${r.stdout}\n${r.stderr}`);
  return r;
};

beforeAll(async () => {
  ({ home, cleanup } = await initHome());
});
afterAll(async () => {
  await cleanup();
});

describe.skipIf(missing("chromium"))("Markdown in the offline viewer", () => {
  let browser: Browser;
  let folder: string;

  beforeAll(async () => {
    folder = join(home, "..", "mappe");
    const passphrase = await writeText(join(home, "..", "viewer-pass.txt"), `${PASSPHRASE}\n`);
    await ok(["channels", "add", "folder", "--name", "mappe", "--path", folder, "--viewer"]);
    await ok(["client", "add", "k1", "--lang", "de", "--name", "Anna Keller", "--title", "Frau", "--salutation", "informal"]);
    await ok(["client", "passphrase", "k1", "--viewer-passphrase-file", passphrase]);
    await ok(["consent", "record", "k1", "--channel", "folder"]);
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it("shows bold, italic and lists as HTML, and raw HTML as text, in the message and the homework", async () => {
    await ok(["send", "k1", "--note", NOTE, "--homework", "as-if-day", "--channel", "mappe", "--now", "--yes"]);
    const page = (await readdir(folder)).find((f) => f.endsWith(".html"));
    expect(page).toBeDefined();
    const v = await openViewer(browser, join(folder, page!));
    try {
      expect(await submitPassphrase(v.page, PASSPHRASE)).toBe("open");
      const message = v.page.locator(".message");
      expect(await message.locator("p").first().innerText()).toBe("Liebe Anna,");
      expect(await message.locator("strong").allInnerTexts()).toEqual(["Sie"]);
      expect(await message.locator("em").allInnerTexts()).toEqual(["Bis bald"]);
      expect(await message.locator("li").allInnerTexts()).toEqual(["erstens", "zweitens"]);
      // Raw HTML is text, not an element.
      expect(await message.locator("b").count()).toBe(0);
      expect(await message.innerText()).toContain("<b>roh</b>");
      // The template's **Ein Tag „als ob“** is bold in the homework too.
      expect(await v.page.locator("figure.homework .markdown strong").allInnerTexts()).toContain("Ein Tag „als ob“");
      expect(await v.violations()).toEqual([]);
      expect(v.requests.filter((u) => !u.startsWith("blob:"))).toEqual([]);
    } finally {
      await v.close();
    }
  });
});

describe("Markdown to Threema", () => {
  let emulator: GatewayEmulator;
  const CLIENT = "ECHOECHO";

  beforeAll(async () => {
    emulator = await new GatewayEmulator().start();
    emulator.addIdentity(makeIdentity(CLIENT));
    const secretFile = await writeText(join(home, "..", "secret.txt"), `${emulator.secret}\n`);
    const keyFile = await writeText(join(home, "..", "key.txt"), `private:${toHex(emulator.gateway.privateKey)}\n`);
    await ok(["channels", "add", "threema", "--gateway-id", emulator.gatewayId, "--secret-file", secretFile, "--private-key-file", keyFile, "--api-url", emulator.url]);
    await ok(["client", "add", "k2", "--lang", "en", "--threema", CLIENT, "--channel", "threema", "--name", "Sam Reed", "--salutation", "informal"]);
    await ok(["consent", "record", "k2", "--channel", "threema"]);
  });
  afterAll(async () => {
    await emulator.stop();
  });

  it("receives *bold* and _italic_, list lines, and raw HTML as typed", async () => {
    await ok(["send", "k2", "--note", NOTE, "--channel", "threema", "--now", "--yes"]);
    expect(emulator.violations).toEqual([]);
    const texts = emulator.received.filter((m) => m.type === 0x01).map((m) => m.text ?? "");
    expect(texts).toHaveLength(1);
    const text = texts[0]!;
    expect(text.startsWith("Dear Sam,\n\n")).toBe(true);
    expect(text).toContain("Schön, dass *Sie* da waren. _Bis bald_ und <b>roh</b>.\n\n- erstens\n- zweitens");
    expect(text).not.toContain("**");
  });
});

describe("Markdown to Signal", () => {
  let emulator: SignalCliEmulator;
  const ACCOUNT = "+4930123456";

  beforeAll(async () => {
    emulator = await SignalCliEmulator.start({ accounts: [ACCOUNT], version: "0.14.6" });
    await ok(["channels", "add", "signal", "--account", ACCOUNT, "--rpc-url", `${emulator.url}/api/v1/rpc`]);
    await ok(["client", "add", "k3", "--lang", "de", "--phone", "+4915112345678", "--channel", "signal", "--name", "Jonas Berg", "--title", "Herr", "--salutation", "formal"]);
    await ok(["consent", "record", "k3", "--channel", "signal"]);
  });
  afterAll(async () => {
    await emulator.stop();
  });

  it("receives *bold* and _italic_ in the message", async () => {
    await ok(["send", "k3", "--note", NOTE, "--channel", "signal", "--now", "--yes"]);
    expect(emulator.violations).toEqual([]);
    expect(emulator.sends).toHaveLength(1);
    const message = emulator.sends[0]!.message ?? "";
    expect(message.startsWith("Guten Tag Herr Berg,\n\n")).toBe(true);
    expect(message).toContain("Schön, dass *Sie* da waren. _Bis bald_ und <b>roh</b>.\n\n- erstens\n- zweitens");
    expect(message).not.toContain("**");
  });
});
