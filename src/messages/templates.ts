import type { Catalogue } from "./entry.js";

/** Lines of the template library: loading, rendering, `templates check|list|show|render|new`. */
export const templates = {
  "templates.unknown": {
    de: "Vorlage „{id}“ gibt es nicht. „nachklang templates list“ zeigt alle Vorlagen.",
    en: "No template '{id}'. 'nachklang templates list' shows all templates.",
  },
  "templates.otherLang": {
    de: "Vorlage „{id}“ gibt es nicht auf {lang}, nur auf {available}. Bitte --lang {available} verwenden oder die Vorlage übersetzen.",
    en: "Template '{id}' does not exist in {lang}, only in {available}. Use --lang {available} or translate the template.",
  },
  "templates.broken": {
    de: "Vorlage „{id}“ ({lang}) ist fehlerhaft: {problem}. „nachklang templates check“ zeigt alle Fehler.",
    en: "Template '{id}' ({lang}) is broken: {problem}. 'nachklang templates check' shows every problem.",
  },
  "templates.varUnknown": {
    de: "Vorlage „{id}“ kennt keine Variable „{name}“. Bekannt sind: {known}.",
    en: "Template '{id}' has no variable '{name}'. Known variables: {known}.",
  },
  "templates.renderedEmpty": {
    de: "Vorlage „{id}“ ergibt mit diesen Werten einen leeren Text ({part}); nichts verarbeitet. Bitte die fehlenden Angaben mit --var geben oder die Vorlage berichtigen.",
    en: "Template '{id}' renders to an empty {part} with these values; nothing was processed. Please give the missing values with --var, or correct the template.",
  },
  "templates.varMissing": {
    de: "Vorlage „{id}“ braucht die Variable „{name}“: bitte --var {name}=… angeben.",
    en: "Template '{id}' needs the variable '{name}': please give --var {name}=….",
  },
  "templates.varInvalid": {
    de: "Vorlage „{id}“, Variable „{name}“: „{value}“ ist kein gültiger Wert ({@expected}).",
    en: "Template '{id}', variable '{name}': '{value}' is not a valid value ({@expected}).",
  },
  "templates.expected.integer": { de: "eine ganze Zahl, z. B. 7", en: "a whole number, e.g. 7" },
  "templates.expected.date": { de: "ein Datum JJJJ-MM-TT, z. B. 2026-12-03", en: "a date YYYY-MM-DD, e.g. 2026-12-03" },
  "templates.expected.time": { de: "eine Uhrzeit HH:MM, z. B. 16:00", en: "a time HH:MM, e.g. 16:00" },
  "templates.expected.url": { de: "eine http(s)-Adresse, z. B. https://example.org/", en: "an http(s) address, e.g. https://example.org/" },
  "templates.expected.enum": { de: "einer von {values}", en: "one of {values}" },
  "templates.expected.string": { de: "ein Text", en: "a text" },
  "templates.expected.number": { de: "eine Zahl", en: "a number" },
  "templates.expected.boolean": { de: "true oder false", en: "true or false" },
  "templates.expected.object": { de: "eine Zuordnung (Name: Wert)", en: "a mapping (name: value)" },
  "templates.expected.record": { de: "eine Zuordnung (Name: Wert)", en: "a mapping (name: value)" },
  "templates.expected.array": { de: "eine Liste", en: "a list" },
  "templates.varSyntax": {
    de: "„{arg}“: bitte als name=wert angeben.",
    en: "'{arg}': please write it as name=value.",
  },
  "templates.varsFile": {
    de: "{file}: keine gültige Variablendatei ({reason}). Erwartet wird YAML oder JSON mit name: wert.",
    en: "{file}: not a valid variables file ({reason}). Expected YAML or JSON with name: value.",
  },
  "templates.renderFailed": {
    de: "Vorlage „{id}“ ({file}:{line}): {reason}",
    en: "Template '{id}' ({file}:{line}): {reason}",
  },
  "templates.tooLarge": {
    de: "Vorlage „{id}“ ergibt {bytes} Bytes Text; erlaubt sind höchstens {max}.",
    en: "Template '{id}' renders to {bytes} bytes of text; at most {max} are allowed.",
  },
  "templates.tooLargeStopped": {
    de: "Vorlage „{id}“ ergibt weit mehr als die erlaubten {max} Bytes Text; sie wurde angehalten.",
    en: "Template '{id}' renders far more than the allowed {max} bytes of text; it was stopped.",
  },
  "templates.unknownChannel": {
    de: "Kanaltyp „{channel}“ ist unbekannt. Bekannt sind: {known}.",
    en: "Unknown channel type '{channel}'. Known types: {known}.",
  },
  "templates.badId": {
    de: "„{id}“ ist keine gültige Vorlagen-ID: bitte Kleinbuchstaben, Ziffern und Bindestriche (z. B. mein-impuls).",
    en: "'{id}' is not a valid template id: use lower-case letters, digits and hyphens (e.g. my-impulse).",
  },
  "templates.badKind": {
    de: "Unbekannte Art „{kind}“: bitte eine von {kinds}.",
    en: "Unknown kind '{kind}': use one of {kinds}.",
  },
  "templates.badFormat": {
    de: "Unbekanntes Format „{format}“: bitte text, json oder junit.",
    en: "Unknown format '{format}': use text, json or junit.",
  },
  "templates.dirMissing": {
    de: "{dir}: Vorlagenordner nicht gefunden. Bitte den Pfad prüfen.",
    en: "{dir}: template folder not found. Please check the path.",
  },
  "templates.notAFolder": {
    de: "{dir}: kein Ordner (eine Datei oder ein Gerät); bitte den Ordner der Vorlagen angeben.",
    en: "{dir}: not a folder (a file or a device); please name the folder of the templates.",
  },
  "templates.dirEmpty": {
    de: "{dir}: keine Vorlagen darin (Markdown-Dateien, z. B. de/ID.md); nichts geprüft. Bitte den Ordner der Vorlagen angeben (eine neue legt „nachklang templates new ID --templates {dir}“ an).",
    en: "{dir}: no templates in it (Markdown files, e.g. en/ID.md); nothing was checked. Please name the folder of the templates (a new one: 'nachklang templates new ID --templates {dir}').",
  },
  "templates.brokenSkipped": {
    de: "{count} {count:Vorlagen-Datei ist|Vorlagen-Dateien sind} fehlerhaft und {count:fehlt|fehlen} in dieser Liste; „nachklang templates check“ zeigt, was zu berichtigen ist.",
    en: "{count} template {count:file is|files are} broken and missing from this list; 'nachklang templates check' shows what to fix.",
  },
  "templates.none": { de: "Keine Vorlagen gefunden.", en: "No templates found." },
  "templates.created": {
    de: "Vorlage angelegt: {file}. Prüfen mit „nachklang templates check {dir}“.",
    en: "Template created: {file}. Check it with 'nachklang templates check {dir}'.",
  },
  "templates.checkOk": {
    de: "{count} {count:Vorlage|Vorlagen} geprüft, keine Probleme.",
    en: "{count} {count:template|templates} checked, no problems.",
  },
  "templates.checkFailed": {
    de: "{count} {count:Vorlage|Vorlagen} geprüft, {problems} {problems:Problem|Probleme}.",
    en: "{count} {count:template|templates} checked, {problems} {problems:problem|problems}.",
  },
  "templates.showVariables": { de: "Variablen:", en: "Variables:" },
  "templates.required": { de: "Pflicht", en: "required" },
  "templates.optional": { de: "optional", en: "optional" },
  // Problems found by `templates check` (printed as `file:line: message`).
  "templates.problem.noFrontMatter": {
    de: "keine Kopfdaten: die Datei muss mit einer Zeile „---“ und YAML beginnen",
    en: "no front matter: the file must start with a line '---' and YAML",
  },
  "templates.problem.unclosedFrontMatter": {
    de: "die Kopfdaten werden nicht mit einer Zeile „---“ abgeschlossen",
    en: "the front matter is not closed by a line '---'",
  },
  "templates.problem.notFile": {
    de: "keine gewöhnliche Datei (etwa eine benannte Pipe): bitte durch eine Textdatei ersetzen oder entfernen",
    en: "not a regular file (a named pipe, say): replace it with a text file or remove it",
  },
  "templates.problem.fileTooLarge": {
    de: "größer als {max} Bytes, größer als eine Vorlage sein darf: bitte kürzen oder entfernen",
    en: "larger than {max} bytes, more than a template may have: shorten it or remove it",
  },
  "templates.problem.unreadable": {
    de: "kann nicht gelesen werden ({reason}): bitte die Rechte der Datei prüfen",
    en: "cannot be read ({reason}): please check the file's permissions",
  },
  "templates.problem.yaml": { de: "YAML-Fehler: {reason}", en: "YAML error: {reason}" },
  "templates.problem.yamlAlias": {
    de: "YAML-Alias (*name): im Kopf einer Vorlage nicht erlaubt; bitte den Wert ausschreiben",
    en: "YAML alias (*name): not allowed in a template's front matter; please write the value out",
  },
  "templates.problem.field": { de: "„{field}“: {reason}", en: "'{field}': {reason}" },
  "templates.problem.fieldMissing": { de: "„{field}“ fehlt", en: "'{field}' is missing" },
  "templates.problem.fieldChoice": { de: "„{field}“: erlaubt sind nur {values}", en: "'{field}': must be one of {values}" },
  "templates.problem.fieldType": { de: "„{field}“: erwartet wird {@expected}", en: "'{field}': expected {@expected}" },
  "templates.problem.fieldEmpty": { de: "„{field}“ darf nicht leer sein", en: "'{field}' must not be empty" },
  "templates.problem.fieldUnknown": {
    de: "unbekanntes Feld „{field}“ (erlaubt: {allowed})",
    en: "unknown field '{field}' (allowed: {allowed})",
  },
  "templates.problem.idForm": {
    de: "„id“: bitte Kleinbuchstaben, Ziffern und Bindestriche (z. B. mein-impuls)",
    en: "'id': use lower-case letters, digits and hyphens (e.g. my-impulse)",
  },
  "templates.problem.variableName": {
    de: "Variablenname „{name}“: bitte Kleinbuchstaben, Ziffern und _ (z. B. first_date)",
    en: "variable name '{name}': use lower-case letters, digits and _ (e.g. first_date)",
  },
  "templates.problem.enumValues": {
    de: "Variable „{name}“: ein enum braucht eine Liste values",
    en: "variable '{name}': an enum needs a list of values",
  },
  "templates.problem.valuesNotEnum": {
    de: "Variable „{name}“: values gibt es nur bei type: enum",
    en: "variable '{name}': values are only allowed for type: enum",
  },
  "templates.problem.liquidSyntax": { de: "Liquid-Syntaxfehler: {reason}", en: "Liquid syntax error: {reason}" },
  "templates.problem.render": {
    de: "lässt sich mit den Beispielwerten nicht erzeugen: {reason}",
    en: "does not render with its samples: {reason}",
  },
  "templates.problem.renderWithoutOptional": {
    de: "lässt sich ohne die optionalen Variablen ({names}) nicht erzeugen: {reason}; bitte im Text mit {% if … %} absichern oder die Variable required machen",
    en: "does not render without its optional variables ({names}): {reason}; guard them with {% if … %} in the text, or make the variable required",
  },
  "templates.problem.unknownVariable": {
    de: "unbekannte Variable „{name}“: bitte unter variables deklarieren oder den Namen prüfen",
    en: "unknown variable '{name}': declare it under variables or check the name",
  },
  "templates.problem.noSample": {
    de: "Pflichtvariable „{name}“ hat weder sample noch default",
    en: "required variable '{name}' has neither a sample nor a default",
  },
  "templates.problem.badValue": {
    de: "Variable „{name}“: {field} „{value}“ ist kein gültiger Wert ({@expected})",
    en: "variable '{name}': {field} '{value}' is not a valid value ({@expected})",
  },
  "templates.problem.kindMismatch": {
    de: "Vorlage „{id}“ ist auf {lang} von der Art {kind}, auf {other} von der Art {otherKind} ({other} in {otherFile}); eine Vorlage hat in jeder Sprache dieselbe Art",
    en: "template '{id}' is of kind {kind} in {lang} but {otherKind} in {other} ({other} in {otherFile}); a template has the same kind in every language",
  },
  "templates.problem.langMismatch": {
    de: "Vorlage „{id}“ hat auf {lang} andere Variablen als auf {other} ({other} in {otherFile}): {difference}",
    en: "template '{id}' has other variables in {lang} than in {other} ({other} in {otherFile}): {difference}",
  },
  "templates.problem.tooLong": {
    de: "mit den Beispielwerten {bytes} Bytes lang; {channel} erlaubt höchstens {limit} Bytes",
    en: "{bytes} bytes long with its samples; {channel} allows at most {limit} bytes",
  },
  "templates.problem.duplicate": {
    de: "Vorlage „{id}“ ({lang}) gibt es hier zweimal (auch in {otherFile})",
    en: "template '{id}' ({lang}) appears twice here (also in {otherFile})",
  },
  "templates.problem.folderLang": {
    de: "lang ist „{lang}“, die Datei liegt aber im Ordner „{folder}“",
    en: "lang is '{lang}' but the file is in the folder '{folder}'",
  },
} satisfies Catalogue;
