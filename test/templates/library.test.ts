import { spawnSync } from "node:child_process";
import { mkdir, symlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import fc from "fast-check";
import { afterEach, describe, expect, it, vi } from "vitest";
import { isUserError, type UserError } from "../../src/errors.js";
import { consentVariables, CONSENT_CHANNELS } from "../../src/templates/consent.js";
import { loadTemplateLibrary, loadTemplateDirs, type TemplateLibrary } from "../../src/templates/library.js";
import { renderTemplate, titleOutline } from "../../src/templates/render.js";
import { homeworkLibrary } from "../../src/followup/homework.js";
import type { Template } from "../../src/templates/schema.js";
import { tempDir } from "../helpers/cli.js";

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});
async function scratch(): Promise<string> {
  const { dir, cleanup } = await tempDir("nachklang-tpl-");
  cleanups.push(cleanup);
  return dir;
}

function samples(template: Template, onlyRequired = false): Record<string, string> {
  const vars: Record<string, string> = {};
  for (const [name, spec] of Object.entries(template.variables)) {
    const value = onlyRequired && !spec.required ? undefined : (spec.sample ?? spec.default);
    if (value !== undefined) vars[name] = value;
  }
  return vars;
}

async function userError(promise: Promise<unknown> | (() => unknown)): Promise<UserError> {
  try {
    await (typeof promise === "function" ? promise() : promise);
  } catch (error) {
    if (isUserError(error)) return error;
    throw error;
  }
  throw new Error("expected a UserError");
}

const ISSUE_IDS = [
  "resource-diary", "three-good-things", "miracle-question", "scaling-question", "noticing-exceptions", "prediction-task",
  "as-if-day", "letter-to-future-self", "wheel-of-life", "values",
  "safe-place", "progressive-muscle-relaxation", "breathing-body-scan",
  "welcome", "messenger-ground-rules", "consent-info", "consent-text", "appointment-reminder",
  "impulse-quote", "impulse-book", "impulse-music", "impulse-link", "impulse-video", "video-session-link",
  "away-notice",
];

const mini = (id: string, lang: string, body: string, extra = "") => `---
id: ${id}
kind: message
lang: ${lang}
title: T
description: D
variables:
  who:
    type: string
    sample: Kim
${extra}---
${body}
`;

describe("the built-in library", () => {
  let lib: TemplateLibrary;

  it("has every template the issue lists, in German and English", async () => {
    lib = await loadTemplateLibrary();
    const ids = (lang: string) => lib.list({ lang }).map((t) => t.id).sort();
    expect(ids("de")).toEqual([...ISSUE_IDS].sort());
    expect(ids("en")).toEqual([...ISSUE_IDS].sort());
    expect(lib.files.every((f) => f.problems.length === 0)).toBe(true);
  });

  it("has the same variables (names, types, required) in both languages", async () => {
    lib = await loadTemplateLibrary();
    for (const id of ISSUE_IDS) {
      const shape = (t: Template) => Object.entries(t.variables).map(([n, v]) => [n, v.type, v.values ?? [], v.required]);
      expect(shape(lib.get(id, "de")), id).toEqual(shape(lib.get(id, "en")));
    }
  });

  it("renders every template in both languages with all samples and with only the required ones", async () => {
    lib = await loadTemplateLibrary();
    for (const template of lib.list()) {
      for (const onlyRequired of [false, true]) {
        const rendered = await renderTemplate(template, samples(template, onlyRequired));
        expect(rendered.title.length, template.file).toBeGreaterThan(0);
        expect(rendered.text.length, template.file).toBeGreaterThan(100);
        expect(rendered.text, template.file).not.toMatch(/\{\{|\{%|\n\n\n/);
        expect(Buffer.byteLength(`${rendered.title}\n\n${rendered.text}`), template.file).toBeLessThanOrEqual(3500);
      }
    }
  });

  it("keeps a voluntary tone in every homework, exercise and impulse", async () => {
    lib = await loadTemplateLibrary();
    for (const template of lib.list().filter((t) => ["homework", "exercise", "impulse"].includes(t.kind) && t.id !== "video-session-link")) {
      const word = template.lang === "de" ? /freiwillig|wenn Sie mögen|falls Sie mögen|Angebot|Anregung|wenn Ihnen danach|wenn Sie Lust|wenn es für Sie passt|was für Sie passt/i : /voluntary|if you like|if it fits|offer|if you feel like/i;
      expect(template.body, template.file).toMatch(word);
    }
  });

  it("gives the crisis numbers exactly, and in English says they are German numbers", async () => {
    lib = await loadTemplateLibrary();
    for (const lang of ["de", "en"] as const) {
      const template = lib.get("messenger-ground-rules", lang);
      const { text, title } = await renderTemplate(template, { channel_name: "Signal", hours: lang === "de" ? "Mo bis Mi, 8 bis 12 Uhr" : "Mon to Wed, 8 am to 12 noon" });
      expect(title).toContain("Signal");
      for (const number of ["0800 111 0 111", "0800 111 0 222", "116 117", "112"]) expect(text).toContain(number);
      expect(text).toContain(lang === "de" ? "Mo bis Mi, 8 bis 12 Uhr" : "Mon to Wed, 8 am to 12 noon");
      if (lang === "en") expect(text).toMatch(/German numbers.*local/s);
      // Read receipts follow the variable.
      const on = await renderTemplate(template, { channel_name: "Signal", hours: "x", read_receipts: "on" });
      expect(on.text).toMatch(lang === "de" ? /eingeschaltet/ : /switched on/);
      expect(text).toMatch(lang === "de" ? /ausgeschaltet/ : /switched off/);
    }
  });

  it("formats the reminder's date and time in the template's language", async () => {
    lib = await loadTemplateLibrary();
    const de = await renderTemplate(lib.get("appointment-reminder", "de"), { date: "2026-12-03", time: "16:00", calendar: "yes" });
    const en = await renderTemplate(lib.get("appointment-reminder", "en"), { date: "2026-12-03", time: "16:00" });
    expect(de.title).toBe("Erinnerung an unseren Termin am 3. Dezember 2026");
    expect(de.text).toContain("Donnerstag, 3. Dezember 2026, 16:00 Uhr");
    expect(de.text).toContain("Kalendereintrag");
    expect(en.text).toContain("Thursday, 3 December 2026, 4:00 pm");
    expect(en.text).not.toContain("calendar entry");
    const welcome = await renderTemplate(lib.get("welcome", "de"), { first_date: "2026-12-03", first_time: "16:00" });
    expect(welcome.text).toContain("3. Dezember 2026, 16:00 Uhr");
  });

  it("fills consent templates from the channel type's declared properties", async () => {
    lib = await loadTemplateLibrary();
    const signal = await renderTemplate(lib.get("consent-info", "en"), { channel: "signal" });
    expect(signal.title).toContain("Signal");
    expect(signal.text).toContain("Signal Technology Foundation");
    expect(signal.text).toContain("need a phone number");
    const threema = await renderTemplate(lib.get("consent-info", "de"), { channel: "threema" });
    expect(threema.text).toContain("Threema GmbH (Schweiz)");
    expect(threema.text).toContain("Eine Telefonnummer ist nicht nötig");
    const email = await renderTemplate(lib.get("consent-text", "de"), { channel: "email" });
    expect(email.text).toContain("Passphrase");
    for (const channel of CONSENT_CHANNELS) {
      for (const lang of ["de", "en"] as const) await renderTemplate(lib.get("consent-info", lang), { channel });
    }
    const error = await userError(() => consentVariables("whatsapp", "de"));
    expect(error.key).toBe("templates.unknownChannel");
  });
});

describe("renderTemplate", () => {
  it("names the template and the variable when one is unknown, missing or invalid", async () => {
    const lib = await loadTemplateLibrary();
    const reminder = lib.get("appointment-reminder", "en");
    const unknown = await userError(renderTemplate(reminder, { date: "2026-12-03", time: "16:00", colour: "blue" }));
    expect(unknown.key).toBe("templates.varUnknown");
    expect(unknown.params).toMatchObject({ id: "appointment-reminder", name: "colour" });
    const missing = await userError(renderTemplate(reminder, { date: "2026-12-03" }));
    expect(missing).toMatchObject({ key: "templates.varMissing", params: { id: "appointment-reminder", name: "time" } });
    const invalid = await userError(renderTemplate(reminder, { date: "3rd of December", time: "16:00" }));
    expect(invalid).toMatchObject({ key: "templates.varInvalid", params: { id: "appointment-reminder", name: "date" } });
  });

  it("get() names the id and how to list templates", async () => {
    const lib = await loadTemplateLibrary();
    const error = await userError(() => lib.get("no-such-template", "de"));
    expect(error.key).toBe("templates.unknown");
    expect(error.params).toEqual({ id: "no-such-template" });
  });

  it("escapes values for HTML only when asked", async () => {
    const dir = await scratch();
    await writeFile(join(dir, "a.md"), mini("a", "en", "Hi {{ who }}"));
    const [template] = (await loadTemplateDirs([dir])).list();
    if (!template) throw new Error("not loaded");
    expect((await renderTemplate(template, { who: "<b>Kim</b> & co" })).text).toBe("Hi <b>Kim</b> & co");
    expect((await renderTemplate(template, { who: "<b>Kim</b> & co" }, { escape: "html" })).text).toBe("Hi &lt;b&gt;Kim&lt;/b&gt; &amp; co");
  });

  it("escapes values for HTML also where a template says `raw`", async () => {
    const dir = await scratch();
    await writeFile(join(dir, "a.md"), mini("a", "en", "Hi {{ who | raw }} {{ who | upcase | raw }}"));
    const [template] = (await loadTemplateDirs([dir])).list();
    if (!template) throw new Error("not loaded");
    expect((await renderTemplate(template, { who: "<img src=x onerror=alert(1)>" }, { escape: "html" })).text).toBe(
      "Hi &lt;img src=x onerror=alert(1)&gt; &lt;IMG SRC=X ONERROR=ALERT(1)&gt;",
    );
    expect((await renderTemplate(template, { who: "<b>" })).text).toBe("Hi <b> <B>");
  });

  it("property: values are data: any text comes out verbatim, never evaluated as Liquid, and HTML-escaped when asked", async () => {
    const dir = await scratch();
    await writeFile(join(dir, "a.md"), mini("a", "en", "[{{ who }}]"));
    const [template] = (await loadTemplateDirs([dir])).list();
    if (!template) throw new Error("not loaded");
    const escapeHtml = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&#34;").replace(/'/g, "&#39;");
    const piece = fc.constantFrom("{{ who }}", "{% raw %}", "{%", "}}", "<script>", "&", "\"", "'", "ä", " ", "x", "\u{1F600}");
    await fc.assert(
      fc.asyncProperty(fc.array(fc.oneof(piece, fc.string({ maxLength: 5 })), { maxLength: 8 }).map((parts) => parts.join("")), async (value) => {
        const text = (await renderTemplate(template, { who: value })).text;
        expect(text).toBe(`[${value}]`.trim().replace(/[ \t]+$/gm, ""));
        const html = (await renderTemplate(template, { who: value }, { escape: "html" })).text;
        expect(html).toBe(`[${escapeHtml(value)}]`.trim().replace(/[ \t]+$/gm, ""));
      }),
      { numRuns: 200 },
    );
  });

  it("allows includes inside the template folder but none outside it, also not through a link", async () => {
    const root = await scratch();
    const dir = join(root, "repo");
    await mkdir(join(dir, "parts"), { recursive: true });
    await writeFile(join(root, "secret.liquid"), "SECRET");
    await writeFile(join(dir, "parts", "footer.liquid"), "Bye {{ who }}");
    await symlink(join(root, "secret.liquid"), join(dir, "parts", "link.liquid"));
    await writeFile(join(dir, "ok.md"), mini("ok", "en", `Hi\n{% include "parts/footer" %}`));
    await writeFile(join(dir, "up.md"), mini("up", "en", `{% include "../secret" %}`));
    await writeFile(join(dir, "abs.md"), mini("abs", "en", `{% include "${join(root, "secret")}" %}`));
    await writeFile(join(dir, "link.md"), mini("link", "en", `{% include "parts/link" %}`));
    const lib = await loadTemplateDirs([dir]);
    expect((await renderTemplate(lib.get("ok", "en"), { who: "Kim" })).text).toBe("Hi\nBye Kim");
    for (const id of ["up", "abs", "link"]) {
      const error = await userError(renderTemplate(lib.get(id, "en"), {}));
      expect(error.key, id).toBe("templates.renderFailed");
      expect(JSON.stringify(error.params)).not.toContain("SECRET");
    }
  });

  it("reads a partial only if it is a regular file of a template's size: a named pipe or a huge file is refused at once", async () => {
    const dir = await scratch();
    await mkdir(join(dir, "parts"));
    expect(spawnSync("mkfifo", [join(dir, "parts", "pipe.liquid")]).status).toBe(0);
    await writeFile(join(dir, "parts", "huge.liquid"), "x".repeat(800_001));
    await writeFile(join(dir, "parts", "fine.liquid"), "xxxxxxxxxx");
    await writeFile(join(dir, "pipe.md"), mini("pipe", "en", `{% include "parts/pipe" %}`));
    await writeFile(join(dir, "huge.md"), mini("huge", "en", `{% render "parts/huge" %}`));
    await writeFile(join(dir, "fine.md"), mini("fine", "en", `{% include "parts/fine" %}`));
    const lib = await loadTemplateDirs([dir]);
    expect((await renderTemplate(lib.get("fine", "en"), {})).text).toBe("xxxxxxxxxx");
    for (const id of ["pipe", "huge"]) {
      const started = Date.now();
      // Without the check, the pipe's read never ends (nothing writes to it) and this test times out.
      const error = await userError(renderTemplate(lib.get(id, "en"), {}));
      expect(error.key, id).toBe("templates.renderFailed");
      expect(String(error.params.reason), id).toMatch(id === "pipe" ? /not a regular file/ : /larger than 800000 bytes/);
      expect(Date.now() - started, id).toBeLessThan(5_000);
    }
  }, 20_000);

  it("stops runaway templates: time, loop count and output size are bounded", async () => {
    const dir = await scratch();
    await writeFile(join(dir, "loop.md"), mini("loop", "en", "{% for i in (1..100000000) %}{% for j in (1..100000000) %}x{% endfor %}{% endfor %}"));
    await writeFile(join(dir, "big.md"), mini("big", "en", "{% for i in (1..20000) %}0123456789{% endfor %}"));
    const lib = await loadTemplateDirs([dir]);
    const started = Date.now();
    const loop = await userError(renderTemplate(lib.get("loop", "en"), {}));
    expect(loop.key).toBe("templates.renderFailed");
    expect(Date.now() - started).toBeLessThan(10_000);
    const big = await userError(renderTemplate(lib.get("big", "en"), {}, { maxBytes: 150_000 }));
    expect(big).toMatchObject({ key: "templates.tooLarge", params: { id: "big", bytes: 200_001, max: 150_000 } });
  });

  it("stops a template as soon as its output outgrows the limit, not seconds and hundreds of MB later", async () => {
    const dir = await scratch();
    // 100 KB of text (a vars file, a CSV cell) repeated: the output grows by 100 KB a node.
    await writeFile(join(dir, "flood.md"), mini("flood", "en", "{% for i in (1..100000) %}{{ who }}{% endfor %}"));
    // Many small nodes: more than 100,000 of them is a runaway too, whatever their size.
    await writeFile(join(dir, "nodes.md"), mini("nodes", "en", "{% for i in (1..200000) %}x{{ nothing }}{% endfor %}", "  nothing:\n    type: string\n"));
    const lib = await loadTemplateDirs([dir]);
    for (const escape of ["text", "html"] as const) {
      // Stopped by the size while rendering: not by the time limit, V8's string limit, or the size check afterwards.
      const flood = await userError(renderTemplate(lib.get("flood", "en"), { who: "<".repeat(100_000) }, { escape }));
      expect(flood, escape).toMatchObject({ key: "templates.tooLargeStopped", params: { id: "flood", max: 200_000 } });
    }
    // Time stands still here, so that on a busy machine the 2-second limit cannot stop it first.
    vi.useFakeTimers({ toFake: ["performance"] });
    const nodes = await userError(renderTemplate(lib.get("nodes", "en"), {})).finally(() => vi.useRealTimers());
    expect(nodes).toMatchObject({ key: "templates.renderFailed", params: { id: "nodes", line: 14 } });
    expect(String(nodes.params.reason)).toContain("more than 100000 outputs");
  });

  it("refuses a range or string allocation of millions before it takes hundreds of MB", async () => {
    const dir = await scratch();
    // 5,000,000 numbers: liquidjs builds the whole array (about 40 MB, and 550 MB at 19,000,000) before the loop's limit applies.
    await writeFile(join(dir, "range.md"), mini("range", "en", "{% for i in (1..5000000) limit: 1 %}{{ i }}{% endfor %}"));
    await writeFile(join(dir, "small.md"), mini("small", "en", "{% for i in (1..1000) %}{% endfor %}{{ who | append: who | size }}"));
    const lib = await loadTemplateDirs([dir]);
    const range = await userError(renderTemplate(lib.get("range", "en"), {}));
    expect(range).toMatchObject({ key: "templates.renderFailed", params: { id: "range", line: 12, reason: "memory alloc limit exceeded" } });
    expect((await renderTemplate(lib.get("small", "en"), { who: "Kim" })).text).toBe("6");
  });
});

describe("template sources", () => {
  it("lets <home>/templates override a built-in, and --templates override both, by id and language", async () => {
    const root = await scratch();
    const home = join(root, "home-templates");
    const extra = join(root, "extra");
    await mkdir(join(home, "de"), { recursive: true });
    await mkdir(join(extra, "de"), { recursive: true });
    const reminder = (marker: string) => `---
id: appointment-reminder
kind: reminder
lang: de
title: Termin
description: Eigene Erinnerung
variables:
  date:
    type: date
    required: true
    sample: 2026-12-03
---
${marker} {{ date | long_date }}
`;
    await writeFile(join(home, "de", "appointment-reminder.md"), reminder("HOME"));
    const homeOnly = await loadTemplateLibrary({ homeTemplates: home });
    expect((await renderTemplate(homeOnly.get("appointment-reminder", "de"), { date: "2026-12-03" })).text).toBe("HOME 3. Dezember 2026");
    expect(homeOnly.get("appointment-reminder", "de").origin).toBe("home");
    // English still comes from the built-ins.
    expect(homeOnly.get("appointment-reminder", "en").origin).toBe("builtin");
    await writeFile(join(extra, "de", "appointment-reminder.md"), reminder("EXTRA"));
    const both = await loadTemplateLibrary({ homeTemplates: home, extraDirs: [extra] });
    expect((await renderTemplate(both.get("appointment-reminder", "de"), { date: "2026-12-03" })).text).toBe("EXTRA 3. Dezember 2026");
    // A missing home folder is fine; a missing --templates folder is a usage error.
    await loadTemplateLibrary({ homeTemplates: join(root, "nope") });
    expect((await userError(loadTemplateLibrary({ extraDirs: [join(root, "nope")] }))).key).toBe("templates.dirMissing");
    // A file or a device there is named as what it is, not as missing.
    await writeFile(join(root, "a-file.md"), "x");
    for (const dir of [join(root, "a-file.md"), "/dev/null"]) {
      expect(await userError(loadTemplateLibrary({ extraDirs: [dir] })), dir).toMatchObject({ key: "templates.notAFolder", params: { dir } });
    }
  });

  it("a broken override is reported when used, not silently replaced by the built-in", async () => {
    const dir = await scratch();
    await writeFile(join(dir, "values.md"), "---\nid: values\nkind: homework\nlang: en\ntitle: [broken\n---\nx\n");
    const lib = await loadTemplateLibrary({ extraDirs: [dir] });
    const error = await userError(() => lib.get("values", "en"));
    expect(error.key).toBe("templates.broken");
    expect(String(error.params.problem)).toContain(`${join(dir, "values.md")}:`);
  });
});

describe("titleOutline (the wizard's menu)", () => {
  it.each([
    ["Erinnerung an unseren Termin am {{ date | long_date }}", "Erinnerung an unseren Termin am …"],
    ["{%- if name -%}Für {{ name }}{%- endif -%}: Abendnotiz", "…Für …: Abendnotiz"],
    ["Übung: Atem und Körperreise", "Übung: Atem und Körperreise"],
    ["{{ a }} {{ b }}  Titel", "… Titel"],
  ])("%j → %j", (title, outline) => {
    expect(titleOutline(title)).toBe(outline);
  });

  it("shows no Liquid in the titles the wizard lists for the built-in templates", async () => {
    const port = homeworkLibrary(() => loadTemplateLibrary());
    for (const lang of ["de", "en"] as const) {
      const listed = await port.list(lang);
      expect(listed.length).toBeGreaterThan(3);
      expect(listed.filter((t) => /\{\{|\{%|%\}|\}\}/.test(t.title))).toEqual([]);
    }
    expect((await port.list("de")).find((t) => t.id === "appointment-reminder")?.title).toBe("Erinnerung an unseren Termin am …");
  });
});
