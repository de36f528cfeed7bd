/**
 * Where templates come from: the built-in library (templates/ in the package), then
 * `<home>/templates/`, then each `--templates DIR`. A later source overrides an earlier one
 * by id and language.
 */
import { readdir, stat } from "node:fs/promises";
import { basename, dirname, join, resolve } from "node:path";
import { ExitCode, UserError } from "../errors.js";
import { t, type Lang } from "../messages/index.js";
import { parseTemplate, type ParsedFile, type Problem } from "./parse.js";
import { readTemplateFile, TemplateFileRefused, TEMPLATE_FILE_MAX_BYTES } from "./file.js";
import type { Template, TemplateOrigin } from "./schema.js";
import { packagePath } from "../package-root.js";
import { quoted } from "../printable.js";

/** The built-in library, shipped in the package's templates/. */
export function builtinTemplatesDir(): string {
  return packagePath("templates");
}

export interface TemplateSource {
  readonly dir: string;
  readonly origin: TemplateOrigin;
}

export interface TemplateFilter {
  readonly kind?: string;
  readonly lang?: string;
}

export interface TemplateLibrary {
  readonly sources: readonly TemplateSource[];
  /** Every file read, in source order, with its problems (overridden files included). */
  readonly files: readonly ParsedFile[];
  /** The templates in effect (after overriding), sorted by id, then language. */
  list(filter?: TemplateFilter): Template[];
  /**
   * The template `id` in `lang`. Throws a UserError naming the id (and how to list templates)
   * when there is none, when it exists only in the other language, or when the file in effect
   * is broken.
   */
  get(id: string, lang: Lang): Template;
}

async function isDir(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory();
  } catch {
    return false;
  }
}

/** Files a template repository keeps beside its templates. */
const REPOSITORY_DOCS = new Set(["readme.md", "changelog.md", "contributing.md", "license.md"]);

/**
 * Every template file below `dir`: `*.md` except README/CHANGELOG/CONTRIBUTING/LICENSE, skipping
 * hidden folders and node_modules. A `*.md` that is no regular file (a named pipe, a device, a
 * link) is listed too: reading it gives the file's problem ("not a regular file", file.ts)
 * instead of leaving it out unsaid.
 */
export async function templateFiles(dir: string): Promise<string[]> {
  const found: string[] = [];
  const walk = async (folder: string, depth: number): Promise<void> => {
    if (depth > 8) return;
    const entries = await readdir(folder, { withFileTypes: true });
    for (const entry of entries) {
      if (entry.name.startsWith(".") || entry.name === "node_modules") continue;
      const path = join(folder, entry.name);
      if (entry.isDirectory()) await walk(path, depth + 1);
      else if (entry.name.endsWith(".md") && !REPOSITORY_DOCS.has(entry.name.toLowerCase())) found.push(path);
    }
  };
  await walk(dir, 0);
  return found.sort();
}

export async function readTemplateFiles(source: TemplateSource): Promise<ParsedFile[]> {
  const root = resolve(source.dir);
  const files = await templateFiles(root);
  return Promise.all(files.map(async (file) => readTemplate(file, root, source.origin)));
}

/**
 * One template file, parsed; one that cannot be read (replaced by a named pipe since the folder
 * was listed, larger than a template can be, no permission) is a broken file with one problem.
 */
async function readTemplate(file: string, root: string, origin: TemplateOrigin): Promise<ParsedFile> {
  let text: string;
  try {
    text = await readTemplateFile(file);
  } catch (error) {
    const problem = unreadableProblem(file, error);
    if (!problem) throw error;
    // Unread, the file's id and language are guessed from its name and folder (`en/welcome.md`),
    // so that asking for that template names the file rather than saying there is none.
    const id = /^[a-z0-9-]+$/.exec(basename(file, ".md"))?.[0];
    const folder = basename(dirname(file));
    return { file, id, lang: folder === "de" || folder === "en" ? folder : undefined, problems: [problem] };
  }
  return parseTemplate(file, text, root, origin);
}

function unreadableProblem(file: string, error: unknown): Problem | undefined {
  if (error instanceof TemplateFileRefused) {
    return error.reason === "notFile"
      ? { file, line: 1, key: "templates.problem.notFile", params: {} }
      : { file, line: 1, key: "templates.problem.fileTooLarge", params: { max: TEMPLATE_FILE_MAX_BYTES } };
  }
  const code = (error as { code?: unknown } | null | undefined)?.code;
  if (typeof code !== "string") return undefined;
  return { file, line: 1, key: "templates.problem.unreadable", params: { reason: code } };
}

/** The sources in order: built-ins, the home templates if that folder exists, then each extra folder (which must exist). */
export async function templateSources(options: { homeTemplates?: string; extraDirs?: readonly string[]; builtin?: boolean }): Promise<TemplateSource[]> {
  const sources: TemplateSource[] = [];
  if (options.builtin !== false) sources.push({ dir: builtinTemplatesDir(), origin: "builtin" });
  if (options.homeTemplates !== undefined && (await isDir(options.homeTemplates))) sources.push({ dir: resolve(options.homeTemplates), origin: "home" });
  for (const dir of options.extraDirs ?? []) {
    const found = await stat(dir).catch(() => undefined);
    if (found === undefined) throw new UserError(ExitCode.usage, "templates.dirMissing", { dir });
    if (!found.isDirectory()) throw new UserError(ExitCode.usage, "templates.notAFolder", { dir });
    sources.push({ dir: resolve(dir), origin: "dir" });
  }
  return sources;
}

class Library implements TemplateLibrary {
  private readonly effective = new Map<string, ParsedFile>();

  constructor(
    readonly sources: readonly TemplateSource[],
    readonly files: readonly ParsedFile[],
  ) {
    for (const file of files) {
      if (file.id !== undefined && (file.lang === "de" || file.lang === "en")) this.effective.set(`${file.id}\0${file.lang}`, file);
    }
  }

  list(filter: TemplateFilter = {}): Template[] {
    return [...this.effective.values()]
      .flatMap((f) => (f.template && f.problems.length === 0 ? [f.template] : []))
      .filter((tpl) => (filter.kind === undefined || tpl.kind === filter.kind) && (filter.lang === undefined || tpl.lang === filter.lang))
      .sort((a, b) => a.id.localeCompare(b.id) || a.lang.localeCompare(b.lang));
  }

  get(id: string, lang: Lang): Template {
    const entry = this.effective.get(`${id}\0${lang}`);
    if (!entry) {
      const other: Lang = lang === "de" ? "en" : "de";
      if (this.effective.has(`${id}\0${other}`)) throw new UserError(ExitCode.usage, "templates.otherLang", { id, lang, available: other });
      throw new UserError(ExitCode.usage, "templates.unknown", { id: quoted(id) });
    }
    const first: Problem | undefined = entry.problems[0];
    if (first || !entry.template) {
      const problem = first ? `${first.file}:${first.line}: ${t(lang, first.key, first.params)}` : entry.file;
      throw new UserError(ExitCode.usage, "templates.broken", { id, lang, problem });
    }
    return entry.template;
  }
}

/** Load the library from its sources. Broken files do not stop loading; `get` reports them. */
export async function loadTemplateLibrary(options: { homeTemplates?: string; extraDirs?: string[] } = {}): Promise<TemplateLibrary> {
  const sources = await templateSources(options);
  const files = (await Promise.all(sources.map(readTemplateFiles))).flat();
  return new Library(sources, files);
}

/** A library from explicit folders only (no built-ins, no home), as `templates check DIR…` sees it. */
export async function loadTemplateDirs(dirs: readonly string[]): Promise<TemplateLibrary> {
  const sources = await templateSources({ extraDirs: dirs, builtin: false });
  const files = (await Promise.all(sources.map(readTemplateFiles))).flat();
  return new Library(sources, files);
}
