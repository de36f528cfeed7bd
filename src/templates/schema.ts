/**
 * The template format: YAML front matter (validated here) above a Liquid body. A template is
 * data, not code; everything a template can ask for is declared under `variables`.
 */
import * as z from "../zod.js";
import type { Lang } from "../messages/index.js";

export const TEMPLATE_KINDS = ["homework", "exercise", "impulse", "onboarding", "reminder", "consent", "message"] as const;
export type TemplateKind = (typeof TEMPLATE_KINDS)[number];

export const VARIABLE_TYPES = ["string", "integer", "date", "time", "url", "enum"] as const;
export type VariableType = (typeof VARIABLE_TYPES)[number];

export const TEMPLATE_ID = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
export const VARIABLE_NAME = /^[a-z][a-z0-9_]*$/;

/** YAML reads `24` as a number and `yes` as a string (YAML 1.2); values are kept as text. */
const scalar = z.union([z.string(), z.number(), z.boolean()]).transform((v) => String(v));

const variableSchema = z
  .object({
    type: z.enum(VARIABLE_TYPES),
    values: z.array(scalar).min(1).optional(),
    required: z.boolean().default(false),
    default: scalar.optional(),
    sample: scalar.optional(),
    description: z.string().optional(),
  })
  .strict()
  .superRefine((v, ctx) => {
    if (v.type === "enum" && v.values === undefined)
      ctx.addIssue({ code: "custom", path: ["values"], message: "an enum needs a list of values", params: { problem: "enumValues" } });
    if (v.type !== "enum" && v.values !== undefined)
      ctx.addIssue({ code: "custom", path: ["values"], message: "values are only allowed for type enum", params: { problem: "valuesNotEnum" } });
  });

export const frontMatterSchema = z
  .object({
    id: z.string().regex(TEMPLATE_ID, "use lower-case letters, digits and hyphens"),
    kind: z.enum(TEMPLATE_KINDS),
    lang: z.enum(["de", "en"]),
    title: z.string().min(1),
    description: z.string().min(1),
    variables: z
      .record(z.string().regex(VARIABLE_NAME, "variable names are lower-case letters, digits and _"), variableSchema)
      .default({}),
  })
  .strict();

export type VariableSpec = z.infer<typeof variableSchema>;
export type FrontMatter = z.infer<typeof frontMatterSchema>;

/** Where a template came from; later sources override earlier ones by id and language. */
export type TemplateOrigin = "builtin" | "home" | "dir";

/** A template that parsed and validated. Line numbers are 1-based, in `file`. */
export interface Template {
  readonly id: string;
  readonly kind: TemplateKind;
  readonly lang: Lang;
  readonly title: string;
  readonly description: string;
  readonly variables: Readonly<Record<string, VariableSpec>>;
  readonly body: string;
  readonly file: string;
  /** The template folder it was loaded from: the only place includes may read. */
  readonly root: string;
  readonly origin: TemplateOrigin;
  /** Line of the first body line in `file`. */
  readonly bodyLine: number;
  readonly lines: {
    readonly title: number;
    readonly kind: number;
    readonly variables: number;
    readonly variable: Readonly<Record<string, number>>;
  };
}
