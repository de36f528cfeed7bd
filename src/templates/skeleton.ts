/** `templates new`: a skeleton that passes `templates check` as written. */
import type { Lang } from "../messages/index.js";
import type { TemplateKind } from "./schema.js";

const TEXT: Record<Lang, { title: string; description: string; nameDesc: string; hello: string; helloPlain: string; body: string; close: string }> = {
  de: {
    title: "Neue Vorlage",
    description: "Kurz beschreiben, wofür diese Vorlage gedacht ist.",
    nameDesc: "Vorname oder Anrede",
    hello: "Hallo {{ name }},",
    helloPlain: "Guten Tag,",
    body: "hier steht Ihr Text. Alles ist freiwillig: nehmen Sie sich davon, was für Sie passt.",
    close: "Herzliche Grüße",
  },
  en: {
    title: "New template",
    description: "Say in a few words what this template is for.",
    nameDesc: "First name or how you address the client",
    hello: "Hello {{ name }},",
    helloPlain: "Hello,",
    body: "your text goes here. Everything is voluntary: take from it whatever fits for you.",
    close: "Warm regards",
  },
};

export function templateSkeleton(id: string, kind: TemplateKind, lang: Lang): string {
  const x = TEXT[lang];
  return `---
id: ${id}
kind: ${kind}
lang: ${lang}
title: ${x.title}
description: ${x.description}
variables:
  name:
    type: string
    required: false
    sample: Alex
    description: ${x.nameDesc}
---
{% if name %}${x.hello}{% else %}${x.helloPlain}{% endif %}

${x.body}

${x.close}
`;
}
