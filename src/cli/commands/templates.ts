/** `nachklang templates list|show|render|check|new`. */
import { writeFile } from "node:fs/promises";
import { dirname, join, resolve, sep } from "node:path";
import { parse as parseYaml } from "yaml";
import { ExitCode, UserError, unwritableFile } from "../../errors.js";
import { makeDirs, readUserText } from "../../files.js";
import { jsonForTerminal, printable, printableText } from "../../printable.js";
import { isLang, type Lang } from "../../messages/index.js";
import { checkLibrary } from "../../templates/check.js";
import { loadTemplateDirs, loadTemplateLibrary, type TemplateLibrary } from "../../templates/library.js";
import { renderTemplate } from "../../templates/render.js";
import { formatFingerprint, parsePublicKey, signerFingerprint } from "../../bundle/signature.js";
import { REPORT_FORMATS, problemLines, reportJson, reportJunit, displayPath, type ReportFormat } from "../../templates/report.js";
import { TEMPLATE_ID, TEMPLATE_KINDS, type TemplateKind } from "../../templates/schema.js";
import { templateSkeleton } from "../../templates/skeleton.js";
import type { CliContext } from "../context.js";

interface SourceOptions {
  templates?: string[];
}

function library(ctx: CliContext, opts: SourceOptions): Promise<TemplateLibrary> {
  return loadTemplateLibrary({ homeTemplates: ctx.home.templates, extraDirs: opts.templates ?? [] });
}

function langOption(ctx: CliContext, lang: string | undefined): Lang {
  if (lang === undefined) return ctx.lang;
  if (!isLang(lang)) throw new UserError(ExitCode.usage, "cli.badLang", { lang });
  return lang;
}

export async function list(ctx: CliContext, opts: SourceOptions & { kind?: string; lang?: string }): Promise<void> {
  if (opts.kind !== undefined && !(TEMPLATE_KINDS as readonly string[]).includes(opts.kind))
    throw new UserError(ExitCode.usage, "templates.badKind", { kind: opts.kind, kinds: TEMPLATE_KINDS.join(", ") });
  const lang = opts.lang === undefined ? undefined : langOption(ctx, opts.lang);
  const lib = await library(ctx, opts);
  const templates = lib.list({ kind: opts.kind, lang });
  // A file that does not parse is in no list: say so, or a typo looks like a missing template.
  const broken = lib.files.filter((f) => f.template === undefined).length;
  if (broken > 0) ctx.out.warn("templates.brokenSkipped", { count: broken });
  ctx.out.result(templates.map((t) => ({ id: t.id, lang: t.lang, kind: t.kind, title: t.title, description: t.description, origin: t.origin, file: t.file })));
  if (templates.length === 0) ctx.out.say("templates.none");
  const width = Math.max(...templates.map((t) => t.id.length), 2);
  for (const t of templates) ctx.out.line(`${t.id.padEnd(width)}  ${t.lang}  ${t.kind.padEnd(10)}  ${printable(t.description)}${t.origin === "builtin" ? "" : `  (${t.origin})`}`);
}

export async function show(ctx: CliContext, id: string, opts: SourceOptions & { lang?: string }): Promise<void> {
  const template = (await library(ctx, opts)).get(id, langOption(ctx, opts.lang));
  ctx.out.result({ ...template });
  ctx.out.line(`${template.id} (${template.lang}, ${template.kind}): ${printable(template.title)}`);
  ctx.out.line(printable(template.description));
  ctx.out.line(printable(template.file));
  const names = Object.keys(template.variables);
  if (names.length > 0) {
    ctx.out.line("");
    ctx.out.say("templates.showVariables");
    for (const [name, v] of Object.entries(template.variables)) {
      const type = v.type === "enum" ? `enum: ${printable((v.values ?? []).join("|"))}` : v.type;
      const extra = [
        ctx.out.text(v.required ? "templates.required" : "templates.optional"),
        v.default !== undefined ? `default ${printable(v.default)}` : undefined,
        v.sample !== undefined ? `sample ${printable(v.sample)}` : undefined,
      ].filter((x) => x !== undefined);
      ctx.out.line(`  ${name} (${type}; ${extra.join("; ")})${v.description ? `: ${printable(v.description)}` : ""}`);
    }
  }
  ctx.out.line("");
  ctx.out.line(printableText(template.body.trim()));
}

async function readVarsFile(file: string): Promise<Record<string, string>> {
  const text = await readUserText(file);
  let data: unknown;
  try {
    data = parseYaml(text);
  } catch (error) {
    throw new UserError(ExitCode.usage, "templates.varsFile", { file, reason: (error as Error).message.split("\n")[0] ?? "" });
  }
  if (data === null || typeof data !== "object" || Array.isArray(data)) throw new UserError(ExitCode.usage, "templates.varsFile", { file, reason: "not a mapping" });
  // No prototype: a variable named `__proto__` is then one like any other (and refused as unknown).
  const vars = Object.create(null) as Record<string, string>;
  for (const [name, value] of Object.entries(data as Record<string, unknown>)) {
    if (typeof value !== "string" && typeof value !== "number" && typeof value !== "boolean")
      throw new UserError(ExitCode.usage, "templates.varsFile", { file, reason: `${name}: not a single value` });
    vars[name] = String(value);
  }
  return vars;
}

export async function render(
  ctx: CliContext,
  id: string,
  opts: SourceOptions & { lang?: string; var?: string[]; varsFile?: string; html?: boolean },
): Promise<void> {
  const template = (await library(ctx, opts)).get(id, langOption(ctx, opts.lang));
  const vars = opts.varsFile !== undefined ? await readVarsFile(opts.varsFile) : (Object.create(null) as Record<string, string>);
  for (const arg of opts.var ?? []) {
    const eq = arg.indexOf("=");
    if (eq <= 0) throw new UserError(ExitCode.usage, "templates.varSyntax", { arg });
    vars[arg.slice(0, eq)] = arg.slice(eq + 1);
  }
  // The consent information carries the practice's signer fingerprint, for clients to keep (docs/bundle-format.md, "Trust").
  const practice = ctx.settings.practice;
  if (Object.hasOwn(template.variables, "signer_fingerprint") && vars.signer_fingerprint === undefined && practice !== undefined) {
    vars.signer_fingerprint = formatFingerprint(signerFingerprint(parsePublicKey(practice.minisignPublicKey)));
  }
  const rendered = await renderTemplate(template, vars, { escape: opts.html === true ? "html" : "text" });
  ctx.out.result({ id: template.id, lang: template.lang, title: rendered.title, text: rendered.text });
  ctx.out.line(printable(rendered.title));
  ctx.out.line("");
  ctx.out.line(printableText(rendered.text));
}

export async function check(ctx: CliContext, dirs: string[], opts: SourceOptions & { format?: string; lang?: string }): Promise<void> {
  const format = (opts.format ?? (ctx.json ? "json" : "text")) as ReportFormat;
  if (!REPORT_FORMATS.includes(format)) throw new UserError(ExitCode.usage, "templates.badFormat", { format });
  const lib = dirs.length > 0 ? await loadTemplateDirs([...dirs, ...(opts.templates ?? [])]) : await library(ctx, opts);
  const cwd = process.cwd();
  // A folder named for checking that holds no template at all (a wrong path in CI) is no pass.
  for (const source of lib.sources) {
    if (source.origin === "dir" && !lib.files.some((f) => f.file.startsWith(source.dir + sep))) {
      throw new UserError(ExitCode.usage, "templates.dirEmpty", { dir: displayPath(source.dir, cwd) });
    }
  }
  const report = await checkLibrary(lib, opts.lang === undefined ? {} : { langs: [langOption(ctx, opts.lang)] });
  if (format === "json") process.stdout.write(jsonForTerminal(reportJson(report, ctx.lang, cwd)) + "\n");
  else if (format === "junit") process.stdout.write(reportJunit(report, ctx.lang, cwd));
  else {
    for (const line of problemLines(report, ctx.lang, cwd)) process.stdout.write(line + "\n");
    const count = report.files.length;
    if (report.problems.length === 0) process.stdout.write(ctx.out.text("templates.checkOk", { count }) + "\n");
    else process.stderr.write(ctx.out.text("templates.checkFailed", { count, problems: report.problems.length }) + "\n");
  }
  if (report.problems.length > 0) process.exitCode = ExitCode.usage;
}

export async function create(ctx: CliContext, id: string, opts: SourceOptions & { kind: string; lang?: string }): Promise<void> {
  if (!TEMPLATE_ID.test(id)) throw new UserError(ExitCode.usage, "templates.badId", { id });
  if (!(TEMPLATE_KINDS as readonly string[]).includes(opts.kind))
    throw new UserError(ExitCode.usage, "templates.badKind", { kind: opts.kind, kinds: TEMPLATE_KINDS.join(", ") });
  const lang = langOption(ctx, opts.lang);
  const dir = resolve(opts.templates?.[0] ?? ctx.home.templates);
  const file = join(dir, lang, `${id}.md`);
  try {
    await makeDirs(dirname(file));
    await writeFile(file, templateSkeleton(id, opts.kind as TemplateKind, lang), { flag: "wx" });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "EEXIST" && (error as NodeJS.ErrnoException).syscall === "open") throw new UserError(ExitCode.usage, "file.exists", { file });
    // --templates names a file, or a folder below one: one line naming the place.
    throw unwritableFile(file, error) ?? error;
  }
  const cwd = process.cwd();
  ctx.out.result({ file, id, lang, kind: opts.kind });
  ctx.out.say("templates.created", { file: displayPath(file, cwd), dir: displayPath(dir, cwd) });
}
