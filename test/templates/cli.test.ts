import { mkdir, readFile, truncate, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli, tempDir } from "../helpers/cli.js";

let dir: string;
let home: string;
let cleanup: () => Promise<void>;

beforeAll(async () => {
  ({ dir, cleanup } = await tempDir("nachklang-tpl-cli-"));
  home = join(dir, "home");
});
afterAll(() => cleanup());

describe("nachklang templates (real CLI)", () => {
  it("lists the built-in templates, filtered by kind and language, also as JSON", async () => {
    const all = await runCli(["templates", "list", "--json"], { home });
    expect(all.code).toBe(0);
    const entries = JSON.parse(all.stdout) as { id: string; lang: string; kind: string; origin: string }[];
    expect(entries).toHaveLength(50);
    const homework = JSON.parse((await runCli(["templates", "list", "--kind", "homework", "--json"], { home })).stdout) as typeof entries;
    expect(homework).toHaveLength(20);
    expect(new Set(homework.map((e) => e.kind))).toEqual(new Set(["homework"]));
    const de = await runCli(["templates", "list", "--lang", "de"], { home });
    expect(de.stdout.trim().split("\n")).toHaveLength(25);
    expect(de.stdout).toMatch(/^appointment-reminder\s+de\s+reminder/m);
    const bad = await runCli(["templates", "list", "--kind", "poem"], { home });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("Unknown kind 'poem'");
  });

  it("shows a template with its variables", async () => {
    const result = await runCli(["templates", "show", "appointment-reminder", "--lang", "en"], { home });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("Variables:");
    expect(result.stdout).toMatch(/date \(date; required; sample 2026-12-03\)/);
    expect(result.stdout).toMatch(/calendar \(enum: yes\|no; optional; default no\)/);
  });

  it("renders with --var and --vars-file, formatting the date in the template's language", async () => {
    const vars = join(dir, "vars.yaml");
    await writeFile(vars, "date: 2026-12-03\ntime: '16:00'\nname: Kim\n");
    const de = await runCli(["templates", "render", "appointment-reminder", "--lang", "de", "--vars-file", vars, "--var", "name=Robin"], { home });
    expect(de.code).toBe(0);
    expect(de.stdout).toContain("Hallo Robin,");
    expect(de.stdout).toContain("Donnerstag, 3. Dezember 2026, 16:00 Uhr");
    const en = await runCli(["--json", "templates", "render", "appointment-reminder", "--lang", "en", "--var", "date=2026-12-03", "--var", "time=16:00"], { home });
    expect(JSON.parse(en.stdout)).toMatchObject({ id: "appointment-reminder", lang: "en", title: "Reminder: our appointment on 3 December 2026" });
    const consent = await runCli(["templates", "render", "consent-info", "--lang", "en", "--var", "channel=threema"], { home });
    expect(consent.code).toBe(0);
    expect(consent.stdout).toContain("Threema GmbH (Switzerland)");
  });

  it("list says how many template files are broken, since they are missing from it", async () => {
    const own = join(dir, "broken-templates");
    await mkdir(join(own, "de"), { recursive: true });
    await writeFile(join(own, "de", "typo.md"), "---\nid: typo\nlang: de\nkind: [homework\n---\nHallo\n");
    await writeFile(join(own, "de", "no-front-matter.md"), "Hallo\n");
    const listed = await runCli(["templates", "list", "--templates", own], { home });
    expect(listed.code, listed.stderr).toBe(0);
    expect(listed.stderr).toBe("2 template files are broken and missing from this list; 'nachklang templates check' shows what to fix.\n");
    expect(listed.stdout).toMatch(/^appointment-reminder\s+de/m);
    const builtin = await runCli(["templates", "list"], { home });
    expect(builtin.stderr).toBe("");
  });

  it("a template file larger than a template may be is refused by name without being read (also one of 3 GiB)", async () => {
    const own = join(dir, "huge-templates");
    await mkdir(join(own, "en"), { recursive: true });
    const huge = join(own, "en", "huge.md");
    const sparse = join(own, "en", "sparse.md");
    await writeFile(huge, "---\nid: huge\nkind: message\nlang: en\ntitle: T\ndescription: D\n---\n" + "x".repeat(800_000));
    // Sparse: takes no disk; read whole it is past what one buffer can hold (an internal error).
    await writeFile(sparse, "");
    await truncate(sparse, 3 * 1024 ** 3);
    const check = await runCli(["templates", "check", own, "--lang", "en"], { home, timeoutMs: 30_000 });
    expect(check.code, check.stderr).toBe(2);
    expect(check.stdout).toContain(`${huge}:1: larger than 800000 bytes, more than a template may have: shorten it or remove it`);
    expect(check.stdout).toContain(`${sparse}:1: larger than 800000 bytes`);
    const show = await runCli(["templates", "render", "huge", "--lang", "en", "--templates", own], { home, timeoutMs: 30_000 });
    expect(show.code).toBe(2);
    expect(show.stderr).toBe(
      `Template 'huge' (en) is broken: ${huge}:1: larger than 800000 bytes, more than a template may have: shorten it or remove it. 'nachklang templates check' shows every problem.\n`,
    );
  }, 60_000);

  it("a --vars-file that is not UTF-8 or is a folder: exit 2, one line naming it", async () => {
    const latin1 = join(dir, "vars-latin1.yaml");
    await writeFile(latin1, Buffer.from("name: Jürgen\n", "latin1"));
    const notText = await runCli(["templates", "render", "appointment-reminder", "--lang", "en", "--vars-file", latin1], { home });
    expect(notText.code).toBe(2);
    expect(notText.stderr).toBe(`${latin1}: not UTF-8 text (save a spreadsheet e.g. as 'CSV UTF-8'); nothing was processed.\n`);
    const folder = await runCli(["templates", "render", "appointment-reminder", "--lang", "en", "--vars-file", dir], { home });
    expect(folder.code).toBe(2);
    expect(folder.stderr).toBe(`${dir} is a folder, not a file. Please name the file itself.\n`);
  });

  it("says in one line which variable is missing or unknown, exit 2, no stack trace", async () => {
    const missing = await runCli(["templates", "render", "appointment-reminder", "--lang", "en", "--var", "date=2026-12-03"], { home });
    expect(missing.code).toBe(2);
    expect(missing.stderr.trim()).toBe("Template 'appointment-reminder' needs the variable 'time': please give --var time=….");
    const unknown = await runCli(["templates", "render", "values", "--lang", "en", "--var", "colour=blue"], { home });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("has no variable 'colour'");
    // A name that is the prototype of plain objects was dropped silently (exit 0).
    const proto = await runCli(["templates", "render", "values", "--lang", "en", "--var", "__proto__=zz"], { home });
    expect(proto.code).toBe(2);
    expect(proto.stderr).toContain("has no variable '__proto__'");
    const noId = await runCli(["templates", "show", "nope"], { home });
    expect(noId.code).toBe(2);
    expect(noId.stderr.trim()).toBe("No template 'nope'. 'nachklang templates list' shows all templates.");
    expect(missing.stderr + unknown.stderr + noId.stderr).not.toMatch(/\n\s+at /);
  });

  it("names a bad value, variable or channel in one printable line, however it was typed", async () => {
    // A value from a vars file or a batch's CSV cell can span lines or carry terminal escapes.
    const vars = join(dir, "vars-multiline.yaml");
    await writeFile(vars, 'date: "2026\\nERROR: fake line\\u001b[31m"\ntime: "16:00"\n');
    const value = await runCli(["templates", "render", "appointment-reminder", "--lang", "en", "--vars-file", vars], { home });
    expect(value.code).toBe(2);
    expect(value.stderr).toBe("Template 'appointment-reminder', variable 'date': '2026?ERROR: fake line?[31m' is not a valid value (a date YYYY-MM-DD, e.g. 2026-12-03).\n");
    // In German, all of it: what is expected too (it said "integer, e.g. 7" in a German line).
    const german = await runCli(["templates", "render", "resource-diary", "--lang", "de", "--var", "days=abc"], { home, env: { LANG: "de_DE.UTF-8" } });
    expect(german.stderr).toMatch(/ist kein gültiger Wert \(eine ganze Zahl, z\. B\. 7\)\.\n$/);
    const name = await runCli(["templates", "render", "values", "--lang", "en", "--var", "col\nour=blue"], { home });
    expect(name.code).toBe(2);
    expect(name.stderr).toMatch(/^Template 'values' has no variable 'col\?our'\. Known variables: [^\n]*\n$/);
    const channel = await runCli(["templates", "render", "consent-info", "--lang", "en", "--var", "channel=thr\u001b[2Jeema"], { home });
    expect(channel.code).toBe(2);
    expect(channel.stderr).toMatch(/^Unknown channel type 'thr\?\[2Jeema'\. Known types: [^\n]*\n$/);
    const id = await runCli(["templates", "show", "no\nid\u001b[31m"], { home });
    expect(id.code).toBe(2);
    expect(id.stderr).toBe("No template 'no?id?[31m'. 'nachklang templates list' shows all templates.\n");
    // A huge value is shortened, not echoed whole.
    const long = await runCli(["templates", "render", "appointment-reminder", "--lang", "en", "--var", `date=${"9".repeat(5000)}`, "--var", "time=16:00"], { home });
    expect(long.code).toBe(2);
    expect(long.stderr.length).toBeLessThan(400);
    expect(long.stderr).toContain("9999…");
  });

  it("list, show and render print a template's own text without its terminal escapes", async () => {
    // A template from a shared repository may carry escape sequences (clear the screen, recolour)
    // or bidi overrides in its title, description, samples and body; so may a value rendered into it.
    const own = join(dir, "escaping-templates");
    await mkdir(own, { recursive: true });
    const esc = "\u001b[2J\u001b[31m";
    const yamlEsc = "\\u001b[2J\\u001b[31m";
    await writeFile(
      join(own, "loud.md"),
      `---\nid: loud\nkind: message\nlang: en\ntitle: "Title${yamlEsc}"\ndescription: "Desc${yamlEsc}\\u202e"\nvariables:\n  who:\n    type: string\n    sample: "Kim${yamlEsc}"\n---\nHello {{ who }}\nBody${esc}\n`,
    );
    const outputs = [
      await runCli(["templates", "list", "--templates", own], { home }),
      await runCli(["templates", "show", "loud", "--lang", "en", "--templates", own], { home }),
      await runCli(["templates", "render", "loud", "--lang", "en", "--templates", own, "--var", `who=Robin${esc}`], { home }),
    ];
    for (const r of outputs) {
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).not.toContain("\u001b");
      expect(r.stdout).not.toContain("\u202e");
    }
    expect(outputs[0]!.stdout).toMatch(/^loud\s+en\s+message\s+Desc\?\[2J\?\[31m\?/m);
    expect(outputs[1]!.stdout).toContain("loud (en, message): Title?[2J?[31m");
    expect(outputs[1]!.stdout).toContain("sample Kim?[2J?[31m");
    expect(outputs[1]!.stdout).toContain("Body[2J[31m");
    expect(outputs[2]!.stdout).toBe("Title?[2J?[31m\n\nHello Robin[2J[31m\nBody[2J[31m\n");
  });

  it("checks the built-ins (exit 0) and a broken repository (exit 2, every problem as file:line)", async () => {
    const ok = await runCli(["templates", "check"], { home });
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain("50 templates checked, no problems.");

    const repo = join(dir, "repo");
    await mkdir(join(repo, "en"), { recursive: true });
    await writeFile(join(repo, "README.md"), "# My templates\n");
    await writeFile(join(repo, "en", "a.md"), "---\nid: a\nkind: impulse\nlang: en\ntitle: A\ndescription: A\n---\nHello {{ who }}\n{% if %}\n");
    await writeFile(join(repo, "en", "b.md"), "---\nid: b\nkind: impulse\nlang: en\ntitle: B\ndescription: B\n---\nHi {{ nobody }}\n");
    // An English-only repository: checked for English (the languages are checked below).
    const text = await runCli(["templates", "check", ".", "--lang", "en"], { home, cwd: repo });
    expect(text.code).toBe(2);
    expect(text.stdout).toContain("en/a.md:9: Liquid syntax error");
    expect(text.stdout).toContain("en/b.md:8: unknown variable 'nobody'");
    expect(text.stderr).toContain("2 templates checked, 2 problems.");

    const json = await runCli(["templates", "check", repo, "--format", "json", "--lang", "en"], { home, cwd: repo });
    expect(json.code).toBe(2);
    const parsed = JSON.parse(json.stdout) as { ok: boolean; problems: { file: string; line: number; code: string }[] };
    expect(parsed.ok).toBe(false);
    expect(parsed.problems.map((p) => `${p.file}:${p.line}`)).toEqual(["en/a.md:9", "en/b.md:8"]);

    const junit = await runCli(["templates", "check", repo, "--format", "junit", "--lang", "en"], { home, cwd: repo });
    expect(junit.code).toBe(2);
    expect(junit.stdout).toMatch(/^<\?xml/);
    expect(junit.stdout).toContain('failures="2"');
  });

  it("a folder named for checking that holds no template fails (exit 2, one line naming it), also beside a good one", async () => {
    const empty = join(dir, "no-templates-here");
    await mkdir(join(empty, "en"), { recursive: true });
    await writeFile(join(empty, "README.md"), "# Not a template\n");
    await writeFile(join(empty, "en", "notes.txt"), "not markdown\n");
    const alone = await runCli(["templates", "check", "no-templates-here"], { home, cwd: dir });
    expect(alone.code).toBe(2);
    expect(alone.stdout).toBe("");
    expect(alone.stderr).toBe(
      "no-templates-here: no templates in it (Markdown files, e.g. en/ID.md); nothing was checked. Please name the folder of the templates (a new one: 'nachklang templates new ID --templates no-templates-here').\n",
    );
    const good = join(dir, "one-good");
    await mkdir(join(good, "en"), { recursive: true });
    await writeFile(join(good, "en", "hi.md"), "---\nid: hi\nkind: impulse\nlang: en\ntitle: Hi\ndescription: Hi\n---\nHello\n");
    const beside = await runCli(["templates", "check", good, empty, "--lang", "en"], { home });
    expect(beside.code).toBe(2);
    expect(beside.stderr).toBe(`${empty}: no templates in it (Markdown files, e.g. en/ID.md); nothing was checked. Please name the folder of the templates (a new one: 'nachklang templates new ID --templates ${empty}').\n`);
    expect((await runCli(["templates", "check", good, "--lang", "en"], { home })).code).toBe(0);
  });

  it("writes a skeleton with `new` that passes check once it exists in both languages, and never overwrites", async () => {
    const repo = join(dir, "fresh");
    const created = await runCli(["templates", "new", "evening-walk", "--kind", "homework", "--lang", "de", "--templates", repo], { home });
    expect(created.code).toBe(0);
    const file = join(repo, "de", "evening-walk.md");
    expect(await readFile(file, "utf8")).toMatch(/^---\nid: evening-walk\nkind: homework\nlang: de\n/);
    const half = await runCli(["templates", "check", repo], { home });
    expect(half.code).toBe(2);
    expect(half.stdout).toContain("de/evening-walk.md:1: template 'evening-walk' exists in de but not in en");
    expect((await runCli(["templates", "check", repo, "--lang", "de"], { home })).code).toBe(0);
    expect((await runCli(["templates", "new", "evening-walk", "--kind", "homework", "--lang", "en", "--templates", repo], { home })).code).toBe(0);
    const check = await runCli(["templates", "check", repo], { home });
    expect(check.code, check.stdout).toBe(0);
    const again = await runCli(["templates", "new", "evening-walk", "--kind", "homework", "--lang", "de", "--templates", repo], { home });
    expect(again.code).toBe(2);
    // --lang names the template's language; the message is in the practice's (English here).
    expect(again.stderr).toContain("already exists");
    const badId = await runCli(["templates", "new", "Evening Walk", "--kind", "homework"], { home });
    expect(badId.code).toBe(2);
  });

  it("uses <home>/templates and --templates, later overriding earlier", async () => {
    const made = await runCli(["templates", "new", "values", "--kind", "homework", "--lang", "en"], { home });
    expect(made.code).toBe(0);
    const fromHome = JSON.parse((await runCli(["templates", "list", "--lang", "en", "--json"], { home })).stdout) as { id: string; origin: string }[];
    expect(fromHome.find((e) => e.id === "values")?.origin).toBe("home");
    const rendered = await runCli(["templates", "render", "values", "--lang", "en"], { home });
    expect(rendered.stdout).toContain("your text goes here");
    const extra = join(dir, "extra");
    await mkdir(join(extra, "en"), { recursive: true });
    await writeFile(join(extra, "en", "values.md"), "---\nid: values\nkind: homework\nlang: en\ntitle: Mine\ndescription: Mine\n---\nFROM EXTRA\n");
    const overridden = await runCli(["templates", "render", "values", "--lang", "en", "--templates", extra], { home });
    expect(overridden.stdout).toBe("Mine\n\nFROM EXTRA\n");
    const missingDir = await runCli(["templates", "list", "--templates", join(dir, "nope")], { home });
    expect(missingDir.code).toBe(2);
    expect(missingDir.stderr).toContain("template folder not found");
    const device = await runCli(["templates", "list", "--templates", "/dev/null"], { home });
    expect(device.code).toBe(2);
    expect(device.stderr).toBe("/dev/null: not a folder (a file or a device); please name the folder of the templates.\n");
  });
});
