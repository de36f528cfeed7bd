/**
 * `templates check`: everything a practitioner's CI needs to know about a template folder.
 * Validates the front matter, parses and statically analyses the Liquid, renders every
 * template with its samples in strict mode, compares variables across languages, and measures
 * the result against every channel type's text limit, and finds templates missing in one of the
 * practice's languages. Collects all problems, never stops at the first.
 */
import { dirname, relative } from "node:path";
import { listChannelTypes } from "../channels/registry.js";
import { isUserError } from "../errors.js";
import { LANGS, type Lang, type MessageParams } from "../messages/index.js";
import type { TemplateLibrary } from "./library.js";
import type { Problem } from "./parse.js";
import { liquidEngine, liquidProblem, renderTemplate, type RenderedTemplate } from "./render.js";
import type { Template, VariableSpec } from "./schema.js";
import { coerceValue } from "./values.js";

/** A channel type's text limit in UTF-8 bytes. */
export interface ChannelLimit {
  readonly type: string;
  readonly textLimitBytes: number;
}

/** The limits every registered channel type declares (types without a limit are left out). */
export function registryLimits(): ChannelLimit[] {
  return listChannelTypes().flatMap((c) => (c.textLimitBytes === null ? [] : [{ type: c.type, textLimitBytes: c.textLimitBytes }]));
}

export interface CheckReport {
  /** Every file that was checked. */
  readonly files: readonly string[];
  /** All problems, sorted by file and line. */
  readonly problems: readonly Problem[];
}

export interface CheckOptions {
  /** Text limits to check against; defaults to the channel registry's. */
  readonly limits?: readonly ChannelLimit[];
  /**
   * The languages every template must exist in: the practice's (default: every language a
   * client can have, since a follow-up is rendered in the client's).
   */
  readonly langs?: readonly Lang[];
}

/** The bytes a rendered template occupies in one message: title, blank line, text. */
export function messageBytes(rendered: RenderedTemplate): number {
  return Buffer.byteLength(`${rendered.title}\n\n${rendered.text}`);
}

function sampleValues(template: Template, onlyRequired: boolean): Record<string, string> {
  const vars: Record<string, string> = {};
  for (const [name, spec] of Object.entries(template.variables)) {
    const value = onlyRequired && !spec.required ? undefined : (spec.sample ?? spec.default);
    if (value !== undefined) vars[name] = value;
  }
  return vars;
}

/** Static checks of one template's front matter values and Liquid. */
function checkStatic(template: Template, problem: (line: number, key: Problem["key"], params?: MessageParams, file?: string) => void): void {
  for (const [name, spec] of Object.entries(template.variables)) {
    const line = template.lines.variable[name] ?? template.lines.variables;
    if (spec.required && spec.sample === undefined && spec.default === undefined) problem(line, "templates.problem.noSample", { name });
    for (const field of ["sample", "default"] as const) {
      const value = spec[field];
      if (value === undefined) continue;
      const coerced = coerceValue(spec, value);
      if (!coerced.ok) problem(line, "templates.problem.badValue", { name, field, value, expected: coerced.expected, values: coerced.values ?? "" });
    }
  }
  const engine = liquidEngine(template.lang, template.root);
  const parts = [
    { source: template.title, line: template.lines.title },
    { source: template.body, line: template.bodyLine },
  ];
  for (const part of parts) {
    try {
      const parsed = engine.parse(part.source, template.file);
      const analysis = engine.analyzeSync(parsed);
      for (const [name, uses] of Object.entries(analysis.globals)) {
        if (Object.hasOwn(template.variables, name)) continue;
        for (const use of uses) {
          const inPartial = use.location.file !== undefined && use.location.file !== template.file;
          problem(inPartial ? use.location.row : part.line + use.location.row - 1, "templates.problem.unknownVariable", { name }, inPartial ? use.location.file : undefined);
        }
      }
    } catch (error) {
      const p = liquidProblem(error, part.source, template.file, part.line);
      problem(p.line, "templates.problem.liquidSyntax", { reason: p.reason }, p.file);
    }
  }
}

function signature(spec: VariableSpec): string {
  return spec.type === "enum" ? `enum(${(spec.values ?? []).join("|")})` : spec.type;
}

/** What differs between two languages' variables, in a short neutral notation. */
function variableDifference(a: Template, b: Template): string | undefined {
  const parts: string[] = [];
  const onlyA = Object.keys(a.variables).filter((n) => !Object.hasOwn(b.variables, n));
  const onlyB = Object.keys(b.variables).filter((n) => !Object.hasOwn(a.variables, n));
  if (onlyA.length > 0) parts.push(`only ${a.lang}: ${onlyA.join(", ")}`);
  if (onlyB.length > 0) parts.push(`only ${b.lang}: ${onlyB.join(", ")}`);
  for (const [name, spec] of Object.entries(a.variables)) {
    const other = b.variables[name];
    if (other === undefined) continue;
    if (signature(spec) !== signature(other)) parts.push(`${name}: ${signature(spec)} ≠ ${signature(other)}`);
    else if (spec.required !== other.required) parts.push(`${name}: required ${String(spec.required)} ≠ ${String(other.required)}`);
  }
  return parts.length > 0 ? parts.join("; ") : undefined;
}

/** Check every file of a library (overridden files too) and the templates in effect across languages. */
export async function checkLibrary(library: TemplateLibrary, options: CheckOptions = {}): Promise<CheckReport> {
  const limits = options.limits ?? registryLimits();
  const problems: Problem[] = [];
  const seen = new Map<string, string>();
  for (const parsed of library.files) {
    problems.push(...parsed.problems);
    const template = parsed.template;
    if (!template) continue;
    const here: Problem[] = [];
    const problem = (line: number, key: Problem["key"], params: MessageParams = {}, file = template.file) => here.push({ file, line, key, params });

    const sameSource = `${template.root}\0${template.id}\0${template.lang}`;
    const earlier = seen.get(sameSource);
    if (earlier !== undefined) problem(1, "templates.problem.duplicate", { id: template.id, lang: template.lang, otherFile: relative(dirname(template.file), earlier) });
    else seen.set(sameSource, template.file);

    checkStatic(template, problem);
    if (here.length === 0) {
      // Render with every sample, then with only the required ones: both branches must work.
      let full: RenderedTemplate | undefined;
      for (const onlyRequired of [false, true]) {
        try {
          const rendered = await renderTemplate(template, sampleValues(template, onlyRequired));
          full ??= rendered;
        } catch (error) {
          if (!isUserError(error)) throw error;
          // Failing with every sample already says it; the run without the optional ones adds nothing.
          if (onlyRequired && full === undefined) continue;
          const p = error.params;
          const line = typeof p.line === "number" ? p.line : template.bodyLine;
          // A Liquid error has a reason to quote; any other (too large, a bad value) is a line of its own.
          // Which run failed: with every sample, or with the optional variables left out (as a send without them renders it).
          const optional = Object.entries(template.variables).filter(([, spec]) => !spec.required).map(([name]) => name).join(", ");
          const { key, params } =
            typeof p.reason !== "string"
              ? error
              : onlyRequired
                ? { key: "templates.problem.renderWithoutOptional" as const, params: { reason: p.reason, names: optional } }
                : { key: "templates.problem.render" as const, params: { reason: p.reason } };
          if (!here.some((h) => h.line === line && h.key === key))
            problem(line, key, params, typeof p.file === "string" ? p.file : template.file);
        }
      }
      if (full !== undefined) {
        const bytes = messageBytes(full);
        for (const limit of limits) {
          if (bytes > limit.textLimitBytes) problem(template.bodyLine, "templates.problem.tooLong", { bytes, channel: limit.type, limit: limit.textLimitBytes });
        }
      }
    }
    problems.push(...here);
  }

  // Same id, same variables, in every language it exists in (templates in effect).
  const byId = new Map<string, Template[]>();
  for (const parsed of effectiveFiles(library)) {
    if (parsed.template) byId.set(parsed.template.id, [...(byId.get(parsed.template.id) ?? []), parsed.template]);
  }
  const langs = options.langs ?? LANGS;
  for (const group of byId.values()) {
    const [first, ...rest] = group;
    if (!first) continue;
    const have = group.map((t) => t.lang);
    for (const lang of langs.filter((l) => !have.includes(l))) {
      problems.push({ file: first.file, line: 1, key: "templates.problem.missingLang", params: { id: first.id, lang, have: have.join(", ") } });
    }
    for (const other of rest) {
      // One id is one kind: a group in two languages would get differently framed follow-ups.
      if (other.kind !== first.kind) {
        for (const [a, b] of [[first, other], [other, first]] as const) {
          problems.push({ file: a.file, line: a.lines.kind, key: "templates.problem.kindMismatch", params: { id: a.id, lang: a.lang, kind: a.kind, other: b.lang, otherKind: b.kind, otherFile: relative(dirname(a.file), b.file) } });
        }
      }
      const difference = variableDifference(first, other);
      if (difference === undefined) continue;
      for (const [a, b] of [[first, other], [other, first]] as const) {
        problems.push({
          file: a.file,
          line: a.lines.variables,
          key: "templates.problem.langMismatch",
          params: { id: a.id, lang: a.lang, other: b.lang, otherFile: relative(dirname(a.file), b.file), difference: variableDifference(a, b) ?? difference },
        });
      }
    }
  }
  problems.sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line);
  return { files: library.files.map((f) => f.file), problems };
}

/** The files in effect: the last one read for each id and language. */
function effectiveFiles(library: TemplateLibrary) {
  const map = new Map<string, (typeof library.files)[number]>();
  for (const f of library.files) if (f.id !== undefined && f.lang !== undefined) map.set(`${f.id}\0${f.lang}`, f);
  return [...map.values()];
}
