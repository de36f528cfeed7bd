/** The template library: loading, rendering and checking homework and message templates. */
export { loadTemplateLibrary, loadTemplateDirs, builtinTemplatesDir, type TemplateLibrary, type TemplateFilter, type TemplateSource } from "./library.js";
export { renderTemplate, titleOutline, withChannelFacts, type RenderOptions, type RenderedTemplate } from "./render.js";
export { consentVariables, CONSENT_CHANNELS } from "./consent.js";
export { TEMPLATE_KINDS, VARIABLE_TYPES, type Template, type TemplateKind, type VariableSpec } from "./schema.js";
export { formatDate, formatDateTime, formatTime, formatWeekdayDate, formatNumber } from "./values.js";
export type { Problem } from "./parse.js";
