/**
 * `nachklang channels compare` in both languages through the real CLI, the facts the issue
 * requires of each channel type, and the WhatsApp refusal (exit 4, the reason in the user's
 * language).
 */
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { channelProfiles } from "../../src/channels/registry.js";
import { CRITERIA, renderComparison, wrap } from "../../src/cli/commands/channels-compare.js";

const CHANNEL_PROFILES = channelProfiles();
import { LANGS, t, type Lang } from "../../src/messages/index.js";
import { ROOT, initHome, runCli, tempDir } from "../helpers/cli.js";

interface ComparedChannel {
  type: string;
  name: string;
  offered: boolean;
  endToEnd: boolean | "viewer";
  phoneNumberRequired: boolean;
  readsAddressBook: string;
  provider: string;
  basedIn: string;
  clientCost: string;
  clientInstalls: string;
  automatic: boolean;
  metadata: string;
  recommended: boolean;
}

describe("channels compare", () => {
  let home: string;
  let cleanup: () => Promise<void>;
  beforeAll(async () => {
    const made = await tempDir();
    home = made.dir;
    cleanup = made.cleanup;
  });
  afterAll(() => cleanup());

  it.each(LANGS)("prints every channel side by side on every criterion (%s)", async (lang: Lang) => {
    const result = await runCli(["channels", "compare", "--lang", lang], { home });
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    const lines = result.stdout.split("\n");
    expect(lines[0]).toBe(t(lang, "compare.title"));
    // The header row names every channel type, in order, as columns.
    const header = lines.find((l) => l.startsWith(t(lang, "compare.criterion")));
    const columns = header?.split("│").map((c) => c.trim());
    expect(columns).toEqual([t(lang, "compare.criterion"), ...CHANNEL_PROFILES.map((p) => p.label[lang])]);
    // Every criterion starts a row; every cell of that row holds that channel's value.
    for (const criterion of CRITERIA) {
      const label = t(lang, criterion.key);
      const start = lines.findIndex((l) => l.startsWith(label));
      expect(start, label).toBeGreaterThan(0);
      let end = start + 1;
      while (end < lines.length && (lines[end] ?? "").startsWith(" ")) end++;
      const cells = CHANNEL_PROFILES.map((_, column) =>
        lines
          .slice(start, end)
          .map((l) => (l.split("│")[column + 1] ?? "").trim())
          .filter((s) => s.length > 0)
          .join(" "),
      );
      // Wrapping may split a long word: compare without white space.
      const squeeze = (text: string) => text.replace(/\s+/g, "");
      expect(cells.map(squeeze), label).toEqual(CHANNEL_PROFILES.map((p) => squeeze(criterion.value(p, lang))));
    }
    expect(result.stdout).not.toMatch(/\{\w+\}/);
    expect(result.stdout.replace(/\s+/g, " ")).toContain(t(lang, "compare.footnote"));
    for (const line of lines) expect([...line].length).toBeLessThanOrEqual(160);
  });

  it("German and English say the required facts (--json)", async () => {
    const byLang = {} as Record<Lang, Record<string, ComparedChannel>>;
    for (const lang of LANGS) {
      const result = await runCli(["--json", "channels", "compare", "--lang", lang], { home });
      expect(result.code).toBe(0);
      const data = JSON.parse(result.stdout) as { lang: string; channels: ComparedChannel[] };
      expect(data.lang).toBe(lang);
      expect(data.channels.map((c) => c.type)).toEqual(["threema", "signal", "wire", "email", "folder", "whatsapp"]);
      byLang[lang] = Object.fromEntries(data.channels.map((c) => [c.type, c]));
    }
    const { de, en } = byLang;
    // Threema: no phone number, Swiss, a one-time app price, automatic.
    expect(en.threema).toMatchObject({ phoneNumberRequired: false, endToEnd: true, automatic: true });
    expect(en.threema?.basedIn).toMatch(/Switzerland/);
    expect(de.threema?.basedIn).toMatch(/Schweiz/);
    expect(en.threema?.clientCost).toMatch(/one-time/);
    expect(de.threema?.clientCost).toMatch(/einmalig/);
    // Signal: phone number needed, US foundation, free.
    expect(en.signal).toMatchObject({ phoneNumberRequired: true, endToEnd: true, automatic: true, clientCost: "free" });
    expect(de.signal?.clientCost).toBe("kostenlos");
    expect(en.signal?.provider).toMatch(/Foundation/);
    expect(en.signal?.basedIn).toMatch(/USA/);
    // Wire: phone number or e-mail, Swiss company, servers in Germany and Ireland, no sending API.
    expect(en.wire).toMatchObject({ phoneNumberRequired: false, automatic: false });
    expect(en.wire?.clientInstalls).toMatch(/phone number or e-mail/);
    expect(de.wire?.clientInstalls).toMatch(/Telefonnummer oder E-Mail/);
    expect(en.wire?.basedIn).toMatch(/Switzerland.*Germany.*Ireland/);
    expect(de.wire?.basedIn).toMatch(/Schweiz.*Deutschland.*Irland/);
    // E-mail: not confidential by itself; folder: manual hand-off.
    expect(en.email?.endToEnd).toBe("viewer");
    expect(en.email?.metadata).toMatch(/not confidential/);
    expect(de.email?.metadata).toMatch(/nicht vertraulich/);
    expect(en.folder).toMatchObject({ automatic: false });
    // WhatsApp: listed, not offered, not recommended.
    expect(en.whatsapp).toMatchObject({ recommended: false, offered: false, automatic: false });
    // The two languages describe the same facts.
    for (const type of Object.keys(en)) {
      const { endToEnd, phoneNumberRequired, automatic, recommended } = en[type] as ComparedChannel;
      expect(de[type]).toMatchObject({ endToEnd, phoneNumberRequired, automatic, recommended });
      expect(de[type]?.metadata).not.toBe(en[type]?.metadata);
    }
  });

  it("a narrow terminal gets one block per channel instead of columns", () => {
    const lines = renderComparison("en", 70);
    for (const line of lines) expect([...line].length).toBeLessThanOrEqual(70);
    for (const p of CHANNEL_PROFILES) expect(lines).toContain(p.label.en);
    expect(lines.filter((l) => l.startsWith(t("en", "compare.phoneNumber")))).toHaveLength(CHANNEL_PROFILES.length);
  });

  it("docs/channels/overview.md has a row for every channel type and links guides that exist", async () => {
    const overview = await readFile(join(ROOT, "docs/channels/overview.md"), "utf8");
    for (const p of CHANNEL_PROFILES) expect(overview).toMatch(new RegExp(`^\\| (\`${p.type}\`|${p.label.en}) \\|`, "m"));
    for (const [, link] of overview.matchAll(/\]\(([a-z-]+\.md)\)/g)) {
      await expect(readFile(join(ROOT, "docs/channels", link ?? ""), "utf8")).resolves.toContain("#");
    }
  });

  it("wrap() keeps every word and respects the width", () => {
    expect(wrap("a bb ccc dddd", 6)).toEqual(["a bb", "ccc", "dddd"]);
    expect(wrap("abcdefghij", 4)).toEqual(["abcd", "efgh", "ij"]);
    expect(wrap("x passphrase-protected", 14)).toEqual(["x", "passphrase-", "protected"]);
    expect(wrap("", 5)).toEqual([""]);
  });
});

describe("WhatsApp is never a channel", () => {
  let home: string;
  let cleanup: () => Promise<void>;
  beforeAll(async () => {
    ({ home, cleanup } = await initHome());
  });
  afterAll(() => cleanup());

  it.each(LANGS)("channels add whatsapp exits 4 with the reason (%s)", async (lang: Lang) => {
    const result = await runCli(["channels", "add", "whatsapp", "--lang", lang], { home });
    expect(result.code).toBe(4);
    expect(result.stderr.trim()).toBe(t(lang, "channels.whatsappRefused"));
    expect(result.stdout).toBe("");
    const list = await runCli(["--json", "channels", "list"], { home });
    expect(list.stdout).not.toMatch(/whatsapp/i);
  });

  it("the refusal follows the user's locale and needs no practice", async () => {
    const fresh = await tempDir();
    try {
      const result = await runCli(["channels", "add", "WhatsApp"], { home: fresh.dir, env: { LANG: "de_DE.UTF-8" } });
      expect(result.code).toBe(4);
      expect(result.stderr.trim()).toBe(t("de", "channels.whatsappRefused"));
    } finally {
      await fresh.cleanup();
    }
  });
});
