import { spawnSync } from "node:child_process";
import { mkdir, symlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { t } from "../../src/messages/index.js";
import { checkLibrary, registryLimits, type CheckReport } from "../../src/templates/check.js";
import { loadTemplateDirs, loadTemplateLibrary } from "../../src/templates/library.js";
import { problemLines, reportJunit } from "../../src/templates/report.js";
import { templateSkeleton } from "../../src/templates/skeleton.js";
import { tempDir } from "../helpers/cli.js";

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

/** Write files (path → lines) into a fresh folder; returns the folder. */
async function repo(files: Record<string, string[]>): Promise<string> {
  const { dir, cleanup } = await tempDir("nachklang-check-");
  cleanups.push(cleanup);
  for (const [path, lines] of Object.entries(files)) {
    await mkdir(join(dir, path, ".."), { recursive: true });
    await writeFile(join(dir, path), lines.join("\n") + "\n");
  }
  return dir;
}

const header = (id: string, lang: string, variables: string[] = []) => [
  "---", // 1
  `id: ${id}`, // 2
  "kind: homework", // 3
  `lang: ${lang}`, // 4
  "title: Title", // 5
  "description: Description", // 6
  ...(variables.length > 0 ? ["variables:", ...variables] : []), // 7…
  "---",
];

/** Check one folder; these repositories are in one language (the languages are checked below). */
async function check(dir: string, limits = registryLimits()): Promise<CheckReport> {
  return checkLibrary(await loadTemplateDirs([dir]), { limits, langs: [] });
}

/** The problems as `relative/file:line key` for easy assertions. */
function where(report: CheckReport, dir: string): string[] {
  return report.problems.map((p) => `${p.file.slice(dir.length + 1)}:${p.line} ${p.key}`);
}

describe("templates check", () => {
  it("finds nothing wrong in the built-in library, also against Threema's 3500-byte limit", async () => {
    const report = await checkLibrary(await loadTemplateLibrary(), { limits: [...registryLimits(), { type: "threema", textLimitBytes: 3500 }] });
    expect(report.problems).toEqual([]);
    expect(report.files).toHaveLength(50);
  });

  it("reports a YAML alias in the front matter with its line, and the other templates stay usable (nested aliases expand into millions of values)", async () => {
    const bomb = ["---", "id: bomb", "kind: homework", "lang: en", "title: T", "description: d", "x: &a [1, 2, 3, 4, 5, 6, 7, 8, 9]"];
    for (const [n, level] of ["b", "c", "d", "e", "f", "g", "h"].entries()) bomb.push(`x${n + 2}: &${level} [${Array(9).fill(`*${n === 0 ? "a" : "bcdefg"[n - 1]}`).join(", ")}]`);
    const dir = await repo({ "en/bomb.md": [...bomb, "---", "Hello"], "en/fine.md": [...header("fine", "en"), "Hello"] });
    expect(where(await check(dir), dir)).toEqual(["en/bomb.md:8 templates.problem.yamlAlias"]);
    const library = await loadTemplateDirs([dir]);
    expect(library.get("fine", "en")?.body).toContain("Hello");
  });

  it("reports a template file that is no regular file — a named pipe, a link to a device or to a file elsewhere — instead of leaving it out", async () => {
    const dir = await repo({ "en/fine.md": [...header("fine", "en"), "Hello"] });
    const outside = await repo({ "elsewhere.md": [...header("elsewhere", "en"), "Read from outside the folder"] });
    expect(spawnSync("mkfifo", [join(dir, "en", "pipe.md")]).status).toBe(0);
    await symlink("/dev/zero", join(dir, "en", "zero.md"));
    await symlink(join(outside, "elsewhere.md"), join(dir, "en", "linked.md"));
    expect(where(await check(dir), dir).sort()).toEqual(["en/linked.md:1 templates.problem.notFile", "en/pipe.md:1 templates.problem.notFile", "en/zero.md:1 templates.problem.notFile"]);
  });

  it("reports a title that renders empty without its optional variable (send went out with an empty homework)", async () => {
    const dir = await repo({
      "en/a.md": ["---", "id: a", "kind: homework", "lang: en", 'title: "{{ name }}"', "description: d", "variables:", "  name:", "    type: string", "    sample: Kim", "---", "Body"],
    });
    expect(where(await check(dir), dir)).toEqual(["en/a.md:12 templates.renderedEmpty"]);
  });

  it("reports an unknown variable with the line it is used on", async () => {
    const dir = await repo({
      "en/a.md": [...header("a", "en", ["  name:", "    type: string", "    sample: Kim"]), "Hello {{ name }},", "", "see you {{ nmae }}."],
    });
    // Front matter is lines 1–11; the body starts on 12, `nmae` is on 14.
    expect(where(await check(dir), dir)).toEqual(["en/a.md:14 templates.problem.unknownVariable"]);
  });

  it("reports a required variable without sample or default at the variable's line", async () => {
    const dir = await repo({
      "en/a.md": [...header("a", "en", ["  name:", "    type: string", "  topic:", "    type: string", "    required: true"]), "{{ topic }} {{ name }}"],
    });
    expect(where(await check(dir), dir)).toEqual(["en/a.md:10 templates.problem.noSample"]);
  });

  it("reports broken front matter: bad YAML, a wrong field, no front matter, no closing line", async () => {
    const dir = await repo({
      "en/yaml.md": ["---", "id: yaml", "kind: homework", "lang: en", "title: [unclosed", "description: x", "---", "text"],
      "en/field.md": [...header("field", "en", ["  when:", "    type: datetime", "    sample: 2026-12-03"]), "text"],
      "en/none.md": ["Just text, no front matter."],
      "en/extra.md": ["---", "id: extra", "lang: en", "title: T", "colour: blue", "description: D", "---", "text"],
      "en/open.md": ["---", "id: open", "kind: homework"],
      "en/value.md": [...header("value", "en", ["  when:", "    type: date", "    sample: 2026-02-30"]), "{{ when | long_date }}"],
    });
    const found = where(await check(dir), dir);
    expect(found).toContain("en/field.md:9 templates.problem.fieldChoice");
    expect(found).toContain("en/extra.md:5 templates.problem.fieldUnknown");
    expect(found).toContain("en/extra.md:2 templates.problem.fieldMissing");
    expect(found).toContain("en/none.md:1 templates.problem.noFrontMatter");
    expect(found).toContain("en/open.md:1 templates.problem.unclosedFrontMatter");
    expect(found).toContain("en/value.md:8 templates.problem.badValue");
    expect(found.filter((f) => f.startsWith("en/yaml.md:")).every((f) => f.endsWith("templates.problem.yaml"))).toBe(true);
    const report = await check(dir);
    const german = problemLines(report, "de", dir);
    expect(german).toContain("en/extra.md:5: unbekanntes Feld „colour“ (erlaubt: id, kind, lang, title, description, variables)");
    expect(german).toContain("en/field.md:9: „variables.when.type“: erlaubt sind nur string, integer, date, time, url, enum");
    const yamlLine = Number(found.find((f) => f.startsWith("en/yaml.md:"))?.split(/[: ]/)[1]);
    expect(yamlLine).toBeGreaterThanOrEqual(5);
    expect(yamlLine).toBeLessThanOrEqual(6);
  });

  it("reports a Liquid syntax error with its line", async () => {
    const dir = await repo({
      "en/a.md": [...header("a", "en"), "line one", "{% if %}", "nothing", "{% endif %}"],
      "en/b.md": [...header("b", "en"), "ok", "ok", "{{ 'x' | no_such_filter }}"],
    });
    // Body of a starts on line 8: `{% if %}` is on 9; the unknown filter in b is on 10.
    expect(where(await check(dir), dir)).toEqual(["en/a.md:9 templates.problem.liquidSyntax", "en/b.md:10 templates.problem.liquidSyntax"]);
  });

  it("reports a German/English variable mismatch in both files, at `variables:`", async () => {
    const dir = await repo({
      "de/a.md": [...header("a", "de", ["  name:", "    type: string", "  days:", "    type: integer", "    default: 7"]), "{{ name }} {{ days }}"],
      "en/a.md": [...header("a", "en", ["  name:", "    type: string", "  days:", "    type: string", "    default: seven"]), "{{ name }} {{ days }}"],
    });
    const report = await check(dir);
    expect(where(report, dir)).toEqual(["de/a.md:7 templates.problem.langMismatch", "en/a.md:7 templates.problem.langMismatch"]);
    expect(t("en", report.problems[0]!.key, report.problems[0]!.params)).toContain("days: integer ≠ string");
  });

  it("reports one id of two kinds in German and English in both files, at `kind:`", async () => {
    const dir = await repo({
      "de/a.md": [...header("a", "de"), "Hallo"],
      "en/a.md": [...header("a", "en"), "Hello"].map((line) => (line === "kind: homework" ? "kind: consent" : line)),
    });
    const report = await check(dir);
    expect(where(report, dir)).toEqual(["de/a.md:3 templates.problem.kindMismatch", "en/a.md:3 templates.problem.kindMismatch"]);
    expect(t("en", report.problems[0]!.key, report.problems[0]!.params)).toBe("template 'a' is of kind homework in de but consent in en (en in ../en/a.md); a template has the same kind in every language");
  });

  it("reports a text too long for Threema (3500 bytes) with the byte count", async () => {
    // 1200 × "ä " is 3600 bytes but only 2400 characters: the limit is in bytes.
    const dir = await repo({ "de/long.md": [...header("long", "de"), "ä ".repeat(1200)] });
    const report = await check(dir, [{ type: "threema", textLimitBytes: 3500 }]);
    expect(where(report, dir)).toEqual(["de/long.md:8 templates.problem.tooLong"]);
    expect(report.problems[0]?.params).toMatchObject({ channel: "threema", limit: 3500 });
    expect(Number(report.problems[0]?.params.bytes)).toBeGreaterThan(3500);
    // Without a limit for the channel, the same text is fine.
    expect((await check(dir, [])).problems).toEqual([]);
  });

  it("reports every problem of every file in one run, sorted, as file:line: message", async () => {
    const dir = await repo({
      "en/a.md": [...header("a", "en"), "{{ x }}", "{{ y }}"],
      "en/b.md": ["no front matter"],
      "en/c.md": [...header("c", "en"), "{% for %}"],
    });
    const report = await check(dir);
    const lines = problemLines(report, "en", dir);
    expect(lines).toEqual([
      "en/a.md:8: unknown variable 'x': declare it under variables or check the name",
      "en/a.md:9: unknown variable 'y': declare it under variables or check the name",
      "en/b.md:1: no front matter: the file must start with a line '---' and YAML",
      expect.stringMatching(/^en\/c\.md:8: Liquid syntax error: /),
    ]);
    expect(problemLines(report, "de", dir)[0]).toBe("en/a.md:8: unbekannte Variable „x“: bitte unter variables deklarieren oder den Namen prüfen");
    const junit = reportJunit(report, "en", dir);
    expect(junit).toContain('<testsuite name="templates" tests="3" failures="3" errors="0">');
    expect(junit.match(/<failure /g)).toHaveLength(4);
    expect(junit).toContain("unknown variable &apos;x&apos;");
  });

  it("shows a file name with control characters as '?': in lines (the terminal would act on ESC) and in JUnit XML (which cannot hold them)", async () => {
    const dir = await repo({ "en/x\u001b[2Jy.md": ["no front matter"] });
    expect(problemLines(await check(dir), "en", dir)).toEqual(["en/x?[2Jy.md:1: no front matter: the file must start with a line '---' and YAML"]);
    const junit = reportJunit(await check(dir), "en", dir);
    expect([...junit].filter((c) => c.charCodeAt(0) < 0x20 && c !== "\n" && c !== "\t" && c !== "\r")).toEqual([]);
    expect(junit).toContain('name="en/x?[2Jy.md"');
  });

  it("renders with samples and reports what only fails at render time, with the line", async () => {
    const dir = await repo({
      "en/a.md": [...header("a", "en", ["  when:", "    type: string", "    sample: tomorrow"]), "ok", "{{ when | long_date }}"],
    });
    expect(where(await check(dir), dir)).toEqual(["en/a.md:13 templates.problem.render"]);
  });

  it("says when a template renders with its samples but not without its optional variables", async () => {
    const dir = await repo({
      "en/a.md": [...header("a", "en", ["  when:", "    type: date", "    sample: 2027-01-04"]), "ok", "{{ when | long_date }}"],
    });
    const report = await check(dir);
    expect(where(report, dir)).toEqual(["en/a.md:13 templates.problem.renderWithoutOptional"]);
    expect(problemLines(report, "en", dir)[0]).toMatch(/^en\/a\.md:13: does not render without its optional variables \(when\): .*; guard them with \{% if … %\} in the text, or make the variable required$/);
  });

  it("says in words why a template's samples render too much text, once", async () => {
    const dir = await repo({
      "en/a.md": [...header("a", "en", ["  who:", "    type: string", "    sample: Kim"]), "{{ who }}{% for i in (1..21000) %}0123456789{% endfor %}"],
      "en/b.md": [...header("b", "en", ["  who:", "    type: string", "    sample: Kim"]), "{{ who }}{% for i in (1..50000) %}0123456789{% endfor %}"],
    });
    expect(problemLines(await check(dir), "en", dir)).toEqual([
      "en/a.md:12: Template 'a' renders to 210008 bytes of text; at most 200000 are allowed.",
      "en/b.md:12: Template 'b' renders far more than the allowed 200000 bytes of text; it was stopped.",
    ]);
  });

  it("reports a duplicate id and language within one folder and a file in the wrong language folder", async () => {
    const dir = await repo({
      "en/a.md": [...header("a", "en"), "one"],
      "en/other.md": [...header("a", "en"), "two"],
      "de/b.md": [...header("b", "en"), "three"],
    });
    const found = where(await check(dir), dir);
    expect(found).toContain("en/other.md:1 templates.problem.duplicate");
    expect(found).toContain("de/b.md:4 templates.problem.folderLang");
  });

  it("passes every skeleton `templates new` writes, for every kind and language", async () => {
    const files: Record<string, string[]> = {};
    for (const kind of ["homework", "exercise", "impulse", "onboarding", "reminder", "consent", "message"] as const)
      for (const lang of ["de", "en"] as const) files[`${lang}/my-${kind}.md`] = templateSkeleton(`my-${kind}`, kind, lang).split("\n");
    const dir = await repo(files);
    const report = await check(dir, [{ type: "threema", textLimitBytes: 3500 }]);
    expect(report.problems).toEqual([]);
    expect(report.files).toHaveLength(14);
  });
});

describe("templates check: every language of the practice", () => {
  it("reports a template that exists in one language only, at its file; --lang narrows the languages", async () => {
    const dir = await repo({
      "en/evening-note.md": [...header("evening-note", "en"), "Good evening."],
      "de/a.md": [...header("a", "de"), "Hallo."],
      "en/a.md": [...header("a", "en"), "Hello."],
    });
    const library = await loadTemplateDirs([dir]);
    const report = await checkLibrary(library);
    expect(where(report, dir)).toEqual(["en/evening-note.md:1 templates.problem.missingLang"]);
    expect(report.problems[0]?.params).toEqual({ id: "evening-note", lang: "de", have: "en" });
    expect(problemLines(report, "de", dir)[0]).toBe(
      "en/evening-note.md:1: Vorlage „evening-note“ gibt es auf en, aber nicht auf de; Klient:innen mit Sprache de bekommen sie nicht (übersetzen, oder „templates check --lang en“, wenn die Praxis nur en schreibt)",
    );
    expect((await checkLibrary(library, { langs: ["en"] })).problems).toEqual([]);
    expect(where(await checkLibrary(library, { langs: ["de"] }), dir)).toEqual(["en/evening-note.md:1 templates.problem.missingLang"]);
  });

  it("looks at the templates in effect: a home template in one language beside a built-in in the other is complete", async () => {
    const home = await repo({ "de/values.md": [...header("values", "de"), "Meine Werte."], "de/only-here.md": [...header("only-here", "de"), "Nur hier."] });
    const report = await checkLibrary(await loadTemplateLibrary({ homeTemplates: home }));
    const missingLang = report.problems.filter((p) => p.key === "templates.problem.missingLang");
    expect(missingLang.map((p) => [p.params.id, p.params.lang])).toEqual([["only-here", "en"]]);
  });
});

describe("docs/templates.md", () => {
  it("its example template passes check and renders as documented", async () => {
    const { readFile } = await import("node:fs/promises");
    const { ROOT } = await import("../helpers/cli.js");
    const { renderTemplate } = await import("../../src/templates/render.js");
    const doc = await readFile(join(ROOT, "docs", "templates.md"), "utf8");
    const example = /```markdown\n([\s\S]*?)```/.exec(doc)?.[1];
    if (example === undefined) throw new Error("no example in docs/templates.md");
    const dir = await repo({ "de/appointment-reminder.md": example.trimEnd().split("\n") });
    const library = await loadTemplateDirs([dir]);
    // The example is the German half of a pair: checked for German alone.
    expect((await checkLibrary(library, { limits: [{ type: "threema", textLimitBytes: 3500 }], langs: ["de"] })).problems).toEqual([]);
    const rendered = await renderTemplate(library.get("appointment-reminder", "de"), { date: "2026-12-03", time: "16:00" });
    expect(rendered.text).toContain("3. Dezember 2026, 16:00 Uhr");
  });
});
