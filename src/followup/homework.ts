/**
 * The template library behind the workflow's HomeworkPort: checking a choice (every problem:
 * unknown template, unknown variable, missing required variable, invalid value) and rendering
 * it in the client's language into a text item.
 */
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { isUserError } from "../errors.js";
import type { Lang } from "../messages/index.js";
import { quoted } from "../printable.js";
import { renderTemplate, titleOutline, withChannelFacts, type Template, type TemplateLibrary } from "../templates/index.js";
import { coerceValue } from "../templates/values.js";
import type { HomeworkPort, Problem } from "./ports.js";

/** What the wizard offers: texts that go to one client as (part of) a follow-up. */
const LISTED_KINDS = new Set(["homework", "exercise", "impulse", "reminder", "onboarding"]);

export function homeworkLibrary(load: () => Promise<TemplateLibrary>): HomeworkPort {
  let library: Promise<TemplateLibrary> | undefined;
  const lib = () => (library ??= load());
  const get = async (id: string, lang: Lang): Promise<Template> => (await lib()).get(id, lang);
  /** `vars` with the defaults the template declares and `vars` leaves out. */
  const filled = (template: Template, vars: Readonly<Record<string, string>>, defaults: Readonly<Record<string, string>> = {}): Record<string, string> => {
    const out: Record<string, string> = {};
    for (const [name, value] of Object.entries(defaults)) if (template.variables[name] !== undefined) out[name] = value;
    return { ...out, ...vars };
  };
  return {
    async check(id, lang, given, defaults) {
      let template: Template;
      try {
        template = await get(id, lang);
      } catch (error) {
        if (!isUserError(error)) throw error;
        // The library's advice (--lang) is for the templates commands; say how a follow-up picks one.
        if (error.key === "templates.otherLang") return [{ key: "workflow.homeworkOtherLang", params: error.params }];
        return [{ key: error.key, params: error.params }];
      }
      let vars: Readonly<Record<string, string>>;
      try {
        // What rendering fills in (a consent template's channel facts) is not missing.
        vars = withChannelFacts(template, filled(template, given, defaults));
      } catch (error) {
        if (isUserError(error)) return [{ key: error.key, params: error.params }];
        throw error;
      }
      const problems: Problem[] = [];
      const known = Object.keys(template.variables);
      for (const name of Object.keys(vars)) {
        if (!known.includes(name)) problems.push({ key: "templates.varUnknown", params: { id, name: quoted(name), known: known.join(", ") || "-" } });
      }
      for (const [name, spec] of Object.entries(template.variables)) {
        if (spec.required && spec.default === undefined && vars[name] === undefined) problems.push({ key: "templates.varMissing", params: { id, name } });
      }
      if (problems.length > 0) return problems;
      try {
        await renderTemplate(template, { ...vars });
      } catch (error) {
        if (isUserError(error)) return [{ key: error.key, params: error.params }];
        throw error;
      }
      return [];
    },
    async render(id, lang, vars, outDir, defaults) {
      const template = await get(id, lang);
      const rendered = await renderTemplate(template, filled(template, vars, defaults));
      const file = join(outDir, `${id}.txt`);
      await writeFile(file, `${rendered.title}\n\n${rendered.text.trim()}\n`, { mode: 0o600 });
      return { title: rendered.title, kind: template.kind, items: [{ file, kind: "homework", mime: "text/plain; charset=utf-8", caption: rendered.title }] };
    },
    async list(lang) {
      return (await lib())
        .list({ lang })
        .filter((t) => LISTED_KINDS.has(t.kind))
        .map((t) => ({
          id: t.id,
          title: titleOutline(t.title),
          kind: t.kind,
          variables: Object.entries(t.variables).map(([name, spec]) => ({
            name,
            required: spec.required && spec.default === undefined,
            ...(spec.description === undefined ? {} : { description: spec.description }),
            type: spec.type,
            ...(spec.values === undefined ? {} : { values: spec.values }),
            accepts: (raw: string) => coerceValue(spec, raw).ok,
          })),
        }));
    },
  };
}
