/**
 * Rendering a template with liquidjs in strict mode: unknown variables and filters are errors,
 * includes read only from the template's own folder, rendering is bounded in time, memory and
 * output size, and output going into HTML is escaped.
 */
import { existsSync, realpathSync } from "node:fs";
import { realpath } from "node:fs/promises";
import { dirname, resolve, sep } from "node:path";
import { Context, Liquid, toPromise, toValue, type Emitter, type FS } from "liquidjs";
import { ExitCode, UserError } from "../errors.js";
import type { Lang } from "../messages/index.js";
import { consentVariables } from "./consent.js";
import { readTemplateFile, readTemplateFileSync, TEMPLATE_PARSE_CHARS } from "./file.js";
import type { Template } from "./schema.js";
import { quoted } from "../printable.js";
import { coerceValue, formatDate, formatDateTime, formatNumber, formatTime, formatWeekdayDate } from "./values.js";

/**
 * Limits for one render: parse size (characters), time (ms), memory (liquidjs units), outputs
 * written (nodes), output (bytes). liquidjs declares a `templateLimit` render option but does
 * not enforce it; nodes and output are counted by `BoundedOutput` while rendering.
 */
export const RENDER_LIMITS = {
  parseChars: TEMPLATE_PARSE_CHARS,
  renderMs: 2_000,
  // liquidjs counts a range's numbers and the characters its string filters make; a million is
  // five times the output limit, and a range of 20 million (the old limit) took over 500 MB.
  memory: 1_000_000,
  templateRenders: 100_000,
  outputBytes: 200_000,
} as const;

export interface RenderOptions {
  /** `html` escapes every output value (for e-mail bodies and the offline viewer). Default `text`. */
  readonly escape?: "text" | "html";
  /** Largest allowed result in UTF-8 bytes (title and text together). */
  readonly maxBytes?: number;
}

export interface RenderedTemplate {
  readonly title: string;
  readonly text: string;
}

/** A liquidjs error with its position translated to the template file. */
export interface LiquidProblem {
  readonly file: string;
  readonly line: number;
  readonly reason: string;
}

function isInside(root: string, file: string): boolean {
  return file === root || file.startsWith(root.endsWith(sep) ? root : root + sep);
}

/** Reads only inside the template folder, after resolving links, so no include can leave it. */
function containedFs(root: string): FS {
  return {
    exists: (file) => Promise.resolve(existsSync(file)),
    existsSync: (file) => existsSync(file),
    // A partial is read by the same rule as a template: a regular file of a template's size.
    readFile: readTemplateFile,
    readFileSync: readTemplateFileSync,
    resolve: (dir, file, ext) => resolve(dir, file.endsWith(ext) ? file : file + ext),
    contains: async (_root, file) => {
      try {
        return isInside(await realpath(root), await realpath(file));
      } catch {
        return false;
      }
    },
    containsSync: (_root, file) => {
      try {
        return isInside(realpathSync(root), realpathSync(file));
      } catch {
        return false;
      }
    },
    dirname,
    sep,
  };
}

const engines = new Map<string, Liquid>();

/** One engine per language, folder and escaping; the custom filters format in that language. */
export function liquidEngine(lang: Lang, root: string, escape: "text" | "html" = "text"): Liquid {
  const key = `${lang}\0${escape}\0${root}`;
  const cached = engines.get(key);
  if (cached) return cached;
  const engine = new Liquid({
    root: [root],
    partials: [root],
    layouts: [root],
    extname: ".liquid",
    fs: containedFs(root),
    relativeReference: false,
    dynamicPartials: true,
    strictVariables: true,
    strictFilters: true,
    ownPropertyOnly: true,
    parseLimit: RENDER_LIMITS.parseChars,
    renderLimit: RENDER_LIMITS.renderMs,
    memoryLimit: RENDER_LIMITS.memory,
    timezoneOffset: 0,
    locale: lang === "de" ? "de-DE" : "en-GB",
    ...(escape === "html" ? { outputEscape: "escape" as const } : {}),
  });
  // liquidjs skips the escaping after `raw`; with HTML every value is escaped, so `raw` changes nothing there.
  if (escape === "html") engine.registerFilter("raw", (v: unknown) => v);
  engine.registerFilter("long_date", (v: unknown) => formatDate(lang, v));
  engine.registerFilter("weekday_date", (v: unknown) => formatWeekdayDate(lang, v));
  engine.registerFilter("clock", (v: unknown) => formatTime(lang, v));
  engine.registerFilter("datetime", (v: unknown, time: unknown) => formatDateTime(lang, v, time));
  engine.registerFilter("number", (v: unknown) => formatNumber(lang, v));
  engines.set(key, engine);
  return engine;
}

/** The names of the filters this project adds to Liquid's standard ones. */
export const CUSTOM_FILTERS = ["long_date", "weekday_date", "clock", "datetime", "number"] as const;

interface LiquidErrorLike {
  message: string;
  token?: { input?: string; file?: string; getPosition?: () => number[] };
  originalError?: unknown;
}

/** Translate a liquidjs error into file and line of the template (or of an included partial). */
export function liquidProblem(error: unknown, source: string, file: string, firstLine: number): LiquidProblem {
  const e = error as LiquidErrorLike;
  const reason = String(e.message ?? error).replace(/, (?:file:\S+, )?line:\d+, col:\d+$/, "").replace(/\s+/g, " ");
  const position = typeof e.token?.getPosition === "function" ? e.token.getPosition() : undefined;
  const line = position?.[0];
  if (line === undefined) return { file, line: firstLine, reason };
  if (e.token?.input !== undefined && e.token.input !== source && e.token.file) return { file: e.token.file, line, reason };
  return { file, line: firstLine + line - 1, reason };
}

/** A render stopped by `BoundedOutput`: `nodes` (too many outputs) or `size` (too much text). */
class OutputStopped extends Error {
  constructor(readonly limit: "nodes" | "size") {
    super(limit === "nodes" ? `more than ${RENDER_LIMITS.templateRenders} outputs rendered; is a loop running away?` : "output too large");
    this.name = "OutputStopped";
  }
}

/**
 * Where a render writes its output, counting as it goes: a template that writes too often or too
 * much is stopped at once. Without it a loop over a long value builds hundreds of MB of text in
 * the two seconds before the time limit, and the size is only measured at the end.
 */
class BoundedOutput implements Emitter {
  buffer = "";
  private writes = 0;

  constructor(private readonly maxChars: number) {}

  write(html: unknown): void {
    if (++this.writes > RENDER_LIMITS.templateRenders) throw new OutputStopped("nodes");
    this.buffer += outputText(html);
    if (this.buffer.length > this.maxChars) throw new OutputStopped("size");
  }
}

/** A rendered value as text, as liquidjs's own emitter writes it. */
function outputText(value: unknown): string {
  const v: unknown = toValue(value);
  switch (typeof v) {
    case "string":
      return v;
    case "number":
    case "boolean":
    case "bigint":
      return String(v);
    case "object":
      if (v === null) return "";
      if (Array.isArray(v)) return v.map(outputText).join("");
      return v instanceof Date ? v.toString() : Object.prototype.toString.call(v);
    default:
      return "";
  }
}

/** The OutputStopped behind a liquidjs error, if that is what ended the render. */
function outputStopped(error: unknown): OutputStopped | undefined {
  for (let e: unknown = error; e instanceof Error; e = (e as { originalError?: unknown }).originalError) {
    if (e instanceof OutputStopped) return e;
  }
  return undefined;
}

/**
 * Coerce text values to the declared types, apply defaults, reject unknown and missing ones.
 * Optional variables without a value are `null` in Liquid (empty and falsy).
 */
export function templateScope(template: Template, vars: Readonly<Record<string, string>>): Record<string, string | number | null> {
  const known = Object.keys(template.variables);
  for (const name of Object.keys(vars)) {
    if (!Object.hasOwn(template.variables, name))
      throw new UserError(ExitCode.usage, "templates.varUnknown", { id: template.id, name: quoted(name), known: known.join(", ") || "-" });
  }
  const scope: Record<string, string | number | null> = {};
  for (const [name, spec] of Object.entries(template.variables)) {
    const raw = Object.hasOwn(vars, name) ? vars[name] : spec.default;
    if (raw === undefined) {
      if (spec.required) throw new UserError(ExitCode.usage, "templates.varMissing", { id: template.id, name });
      scope[name] = null;
      continue;
    }
    const coerced = coerceValue(spec, raw);
    if (!coerced.ok) throw new UserError(ExitCode.usage, "templates.varInvalid", { id: template.id, name, value: quoted(raw), expected: coerced.expected, values: coerced.values ?? "" });
    scope[name] = coerced.value;
  }
  return scope;
}

/**
 * Render a template with text values (from `--var`, a vars file or the workflow). Values are
 * coerced to their declared types and defaults applied; consent templates given a `channel`
 * get the channel type's declared properties filled in. Unknown or missing variables, bad
 * values and Liquid errors are `UserError`s naming the template; so is a result larger than
 * `maxBytes`.
 */
/** A consent template given a `channel`: the channel type's declared properties filled in (what `vars` gives wins). */
export function withChannelFacts(template: Template, vars: Readonly<Record<string, string>>): Readonly<Record<string, string>> {
  return template.kind === "consent" && vars.channel !== undefined ? { ...consentVariables(vars.channel, template.lang, template), ...vars } : vars;
}

export async function renderTemplate(
  template: Template,
  vars: Readonly<Record<string, string>>,
  options: RenderOptions = {},
): Promise<RenderedTemplate> {
  const scope = templateScope(template, withChannelFacts(template, vars));
  const engine = liquidEngine(template.lang, template.root, options.escape ?? "text");
  const max = options.maxBytes ?? RENDER_LIMITS.outputBytes;
  const render = async (source: string, file: string, firstLine: number): Promise<string> => {
    try {
      const parsed = engine.parse(source, file);
      // Twice the limit in characters while rendering: tidying may still shorten the text a little.
      const output = new BoundedOutput(2 * max);
      await toPromise(engine.renderer.renderTemplates(parsed, new Context(scope, engine.options, { sync: false }, { liquid: engine }), output));
      return output.buffer;
    } catch (error) {
      if (outputStopped(error)?.limit === "size") throw new UserError(ExitCode.usage, "templates.tooLargeStopped", { id: template.id, max }, { cause: error });
      const p = liquidProblem(error, source, file, firstLine);
      throw new UserError(ExitCode.usage, "templates.renderFailed", { id: template.id, file: p.file, line: p.line, reason: p.reason }, { cause: error });
    }
  };
  const title = (await render(template.title, template.file, template.lines.title)).trim();
  const text = tidy(await render(template.body, template.file, template.bodyLine));
  // A follow-up with an empty title or text would go out as a homework of nothing.
  if (title === "" || text === "") throw new UserError(ExitCode.usage, "templates.renderedEmpty", { id: template.id, part: title === "" ? "title" : "text" });
  const bytes = Buffer.byteLength(title) + Buffer.byteLength(text);
  if (bytes > max) throw new UserError(ExitCode.usage, "templates.tooLarge", { id: template.id, bytes, max });
  return { title, text };
}

/** No trailing blanks, at most one empty line in a row, no leading or trailing empty lines. */
function tidy(text: string): string {
  return text
    .replace(/[ \t]+$/gm, "")
    .replace(/\n{3,}/g, "\n\n")
    .trim();
}

/**
 * A title as a list shows it before anything is filled in: each Liquid output or tag
 * (`{{ date | long_date }}`, `{% if … %}`) becomes "…" (runs of them one), so a wizard's menu
 * reads "Erinnerung an unseren Termin am …" rather than the template's source.
 */
export function titleOutline(title: string): string {
  return title
    .replace(/\{\{-?[\s\S]*?-?\}\}|\{%-?[\s\S]*?-?%\}/g, "…")
    .replace(/…(\s*…)+/g, "…")
    .replace(/\s+/g, " ")
    .trim();
}

