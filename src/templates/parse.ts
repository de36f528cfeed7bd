/**
 * Reading one template file: split the front matter, parse it with `yaml` (keeping node ranges
 * so every problem has a line), validate it with zod. Never throws for bad content: problems
 * are returned as values, each with its file and line.
 */
import { basename, dirname } from "node:path";
import { LineCounter, parseDocument, isNode, visit, type Document } from "yaml";
import type { MessageKey, MessageParams } from "../messages/index.js";
import type { z } from "zod";
import { frontMatterSchema, type Template, type TemplateOrigin } from "./schema.js";

/** One problem in a template, reported as `file:line: message`. */
export interface Problem {
  readonly file: string;
  readonly line: number;
  readonly key: MessageKey;
  readonly params: MessageParams;
}

export interface ParsedFile {
  readonly file: string;
  readonly template?: Template;
  /** Best-effort id and language, also for broken files (so a broken override still overrides). */
  readonly id?: string;
  readonly lang?: string;
  readonly problems: readonly Problem[];
}

/** The types a front matter field is said to expect in words (`templates.expected.*`); others by their name. */
const SAID_TYPES = new Set(["string", "number", "boolean", "object", "record", "array"]);

const FENCE = /^---[ \t]*$/;
const END = /^(---|\.\.\.)[ \t]*$/;

export function parseTemplate(file: string, text: string, root: string, origin: TemplateOrigin): ParsedFile {
  const problems: Problem[] = [];
  const problem = (line: number, key: MessageKey, params: MessageParams = {}) => problems.push({ file, line, key, params });
  const lines = text.replace(/^\uFEFF/, "").split(/\r?\n/);
  if (!FENCE.test(lines[0] ?? "")) {
    problem(1, "templates.problem.noFrontMatter");
    return { file, problems };
  }
  const close = lines.findIndex((line, i) => i > 0 && END.test(line));
  if (close < 0) {
    problem(1, "templates.problem.unclosedFrontMatter");
    return { file, problems };
  }
  // Front matter starts on line 2 of the file.
  const yamlText = lines.slice(1, close).join("\n");
  const counter = new LineCounter();
  const doc = parseDocument(yamlText, { lineCounter: counter, prettyErrors: true, uniqueKeys: true });
  const lineAt = (offset: number) => counter.linePos(offset).line + 1;
  for (const error of doc.errors) {
    problem(lineAt(error.pos[0]), "templates.problem.yaml", { reason: (error.message.split("\n")[0] ?? error.message).replace(/ at line \d+, column \d+:?$/, "") });
  }
  // A front matter has no use for YAML's aliases (`*a`), and a few nested ones expand into
  // millions of values: refused, naming the line, before anything expands them.
  if (doc.errors.length === 0) {
    visit(doc, {
      Alias(_, node) {
        problem(node.range ? lineAt(node.range[0]) : 2, "templates.problem.yamlAlias");
        return visit.BREAK;
      },
    });
  }
  const raw: unknown = problems.length === 0 ? doc.toJS({ maxAliasCount: 0 }) : undefined;
  const rawObject = raw !== null && typeof raw === "object" ? (raw as Record<string, unknown>) : {};
  // When the YAML is broken, still find id and language, so a broken override keeps overriding.
  const id = typeof rawObject.id === "string" ? rawObject.id : /^id:[ \t]*["']?([a-z0-9-]+)["']?[ \t]*$/m.exec(yamlText)?.[1];
  const lang = typeof rawObject.lang === "string" ? rawObject.lang : /^lang:[ \t]*["']?(de|en)["']?[ \t]*$/m.exec(yamlText)?.[1];
  if (problems.length > 0) return { file, id, lang, problems };

  const nodeLine = (path: readonly PropertyKey[]): number => {
    // The deepest node that exists on the path; the document start if none does.
    for (let n = path.length; n > 0; n--) {
      const node = doc.getIn(path.slice(0, n) as unknown[], true);
      if (isNode(node) && node.range) return lineAt(node.range[0]);
    }
    return doc.contents?.range ? lineAt(doc.contents.range[0]) : 2;
  };
  const keyLine = (key: string): number => keyLineIn(doc, [key], lineAt) ?? nodeLine([key]);

  const result = frontMatterSchema.safeParse(raw);
  if (!result.success) {
    for (const issue of result.error.issues) {
      const path = issue.code === "unrecognized_keys" ? [...issue.path, issue.keys[0] ?? ""] : issue.path;
      const absent = issue.code !== "unrecognized_keys" && issue.code !== "custom" && issue.path.length > 0 && !doc.hasIn(issue.path);
      const { key, params } = absent
        ? { key: "templates.problem.fieldMissing" as const, params: { field: issue.path.map(String).join(".") } }
        : describeIssue(issue);
      problem(nodeLine(path), key, params);
    }
    return { file, id, lang, problems };
  }
  const fm = result.data;
  const folder = basename(dirname(file));
  if ((folder === "de" || folder === "en") && folder !== fm.lang) {
    problem(nodeLine(["lang"]), "templates.problem.folderLang", { lang: fm.lang, folder });
  }
  const variable: Record<string, number> = {};
  for (const name of Object.keys(fm.variables)) variable[name] = keyLineIn(doc, ["variables", name], lineAt) ?? nodeLine(["variables", name]);
  const template: Template = {
    id: fm.id,
    kind: fm.kind,
    lang: fm.lang,
    title: fm.title,
    description: fm.description,
    variables: fm.variables,
    body: lines.slice(close + 1).join("\n"),
    file,
    root,
    origin,
    bodyLine: close + 2,
    lines: { title: nodeLine(["title"]), kind: keyLine("kind"), variables: keyLine("variables"), variable },
  };
  return { file, template, id: fm.id, lang: fm.lang, problems };
}

/** The line of a mapping key (not its value), so `variables:` points at its own line. */
function keyLineIn(doc: Document, path: readonly string[], lineAt: (offset: number) => number): number | undefined {
  const parentPath = path.slice(0, -1);
  const parent = parentPath.length === 0 ? doc.contents : doc.getIn(parentPath, true);
  const last = path[path.length - 1];
  if (parent === null || typeof parent !== "object" || !("items" in parent) || !Array.isArray(parent.items)) return undefined;
  for (const pair of parent.items as unknown[]) {
    if (pair !== null && typeof pair === "object" && "key" in pair) {
      const key = (pair).key;
      if (isNode(key) && key.range && String((key as { value?: unknown }).value) === last) return lineAt(key.range[0]);
    }
  }
  return undefined;
}

const TOP_FIELDS = "id, kind, lang, title, description, variables";
const VARIABLE_FIELDS = "type, values, required, default, sample, description";

/** A zod issue as a catalogue line, so front-matter problems read well in German and English. */
function describeIssue(issue: z.core.$ZodIssue): { key: MessageKey; params: MessageParams } {
  const field = issue.path.map(String).join(".") || "front matter";
  const variable = issue.path[0] === "variables" ? String(issue.path[1] ?? "") : "";
  switch (issue.code) {
    case "invalid_type":
      return /received undefined/.test(issue.message)
        ? { key: "templates.problem.fieldMissing", params: { field } }
        : { key: "templates.problem.fieldType", params: { field, expected: SAID_TYPES.has(String(issue.expected)) ? `templates.expected.${String(issue.expected)}` : String(issue.expected), values: "" } };
    case "invalid_value":
      return { key: "templates.problem.fieldChoice", params: { field, values: issue.values.map(String).join(", ") } };
    case "too_small":
      return { key: "templates.problem.fieldEmpty", params: { field } };
    case "unrecognized_keys":
      return {
        key: "templates.problem.fieldUnknown",
        params: { field: issue.keys.join(", "), allowed: issue.path.length === 0 ? TOP_FIELDS : VARIABLE_FIELDS },
      };
    case "invalid_key":
      return { key: "templates.problem.variableName", params: { name: String(issue.path[issue.path.length - 1] ?? "") } };
    case "invalid_format":
      if (field === "id") return { key: "templates.problem.idForm", params: {} };
      break;
    case "invalid_union":
      return { key: "templates.problem.fieldType", params: { field, expected: "text / Text" } };
    case "custom":
      if (issue.params?.problem === "enumValues") return { key: "templates.problem.enumValues", params: { name: variable } };
      if (issue.params?.problem === "valuesNotEnum") return { key: "templates.problem.valuesNotEnum", params: { name: variable } };
      break;
    default:
      break;
  }
  return { key: "templates.problem.field", params: { field, reason: issue.message } };
}
