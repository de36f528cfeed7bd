/**
 * The command-line help in the practitioner's language. program.ts declares every description
 * in English; for German, `localiseHelp` makes commander print each one, its section titles and
 * the notes it adds (choices) from the German table (help-de.ts, loaded only when help is
 * printed). The language is `--lang`, else the practice's, else the system locale's, as for
 * usage errors (main.ts).
 */
import { Help, type Argument, type Command, type HelpConfiguration, type Option } from "commander";
import type { Lang } from "../lang.js";

export type HelpTable = Readonly<Record<string, string>>;

/** Texts a command adds after its help (`addHelpText`), by command, in English. */
const afterHelp = new WeakMap<Command, string>();
/** The table each command's help is printed from, once localised. */
const tables = new WeakMap<Command, HelpTable>();

/** Add `text` after `command`'s help, translated like the rest of it. */
export function addAfterHelp(command: Command, text: string): void {
  afterHelp.set(command, text);
  command.addHelpText("after", () => translate(tables.get(command), text));
}

function translate(table: HelpTable | undefined, english: string): string {
  return table?.[english] ?? english;
}

/** commander's notes after a description, `(choices: "de", "en")`, in the table's words. */
function withNotes(table: HelpTable, english: string, described: string): string {
  const own = translate(table, english);
  const notes = described.slice(english.length).replace(/\((choices|default): /g, (_all, word: string) => `(${translate(table, word)}: `);
  return own + notes;
}

function helpConfiguration(table: HelpTable, base: HelpConfiguration): HelpConfiguration {
  const plain = new Help();
  return {
    ...base,
    styleTitle: (title: string) => translate(table, title),
    commandDescription: (cmd: Command) => translate(table, cmd.description()),
    subcommandDescription: (cmd: Command) => translate(table, cmd.summary() || cmd.description()),
    optionDescription: (option: Option) => withNotes(table, option.description ?? "", plain.optionDescription(option)),
    argumentDescription: (argument: Argument) => withNotes(table, argument.description ?? "", plain.argumentDescription(argument)),
  };
}

/** Print `program`'s help, and every command's, from `table` (German) instead of the English declared. */
export function localiseHelp(program: Command, table: HelpTable): void {
  const visit = (command: Command) => {
    command.configureHelp(helpConfiguration(table, command.configureHelp()));
    tables.set(command, table);
    for (const sub of command.commands) visit(sub);
  };
  visit(program);
}

/**
 * Every English text `program`'s help can print from a table: descriptions of commands,
 * options and arguments, texts added after a help, and commander's own (section titles, the
 * help option, the notes). For the test that keeps the German table complete.
 */
export function helpTexts(program: Command): Set<string> {
  const texts = new Set(["Usage:", "Arguments:", "Options:", "Global Options:", "Commands:", "display help for command", "choices", "default"]);
  const visit = (command: Command) => {
    if (command.description() !== "") texts.add(command.description());
    for (const option of command.options) if (option.description) texts.add(option.description);
    for (const argument of command.registeredArguments) if (argument.description) texts.add(argument.description);
    const after = afterHelp.get(command);
    if (after !== undefined) texts.add(after);
    for (const sub of command.commands) visit(sub);
  };
  visit(program);
  return texts;
}

/** The program's options that take a value (the word after them is not a command). */
const VALUED = new Set(["--home", "--passphrase-file", "--lang"]);

/**
 * The command whose help this command line (the words after `nachklang`) prints, if it prints one: with `-h`/`--help` or
 * `help …` (the command named so far), or for a command that has subcommands named without one
 * (`nachklang`, `nachklang client`), where commander shows that command's help.
 */
export function helpPrinted(program: Command, argv: readonly string[]): Command | undefined {
  const end = argv.indexOf("--");
  const words = end < 0 ? argv : argv.slice(0, end);
  const asked = words.includes("-h") || words.includes("--help");
  let command = program;
  for (let i = 0; i < words.length && command.commands.length > 0; i++) {
    const word = words[i]!;
    if (word.startsWith("-")) {
      if (VALUED.has(word)) i++;
      continue;
    }
    if (word === "help") return command;
    const sub = command.commands.find((c) => c.name() === word || c.aliases().includes(word));
    // An unknown command is a usage error (unless --help asked for the help of the one before).
    if (sub === undefined) return asked ? command : undefined;
    command = sub;
  }
  return asked || command.commands.length > 0 ? command : undefined;
}

/**
 * Localise `program`'s help when this command line prints one and `lang` (told the command whose
 * help it is) is not English.
 */
export async function localiseHelpFor(program: Command, argv: readonly string[], lang: (command: Command) => Promise<Lang>): Promise<void> {
  const command = helpPrinted(program, argv);
  if (command === undefined || (await lang(command)) === "en") return;
  const { HELP_DE } = await import("./help-de.js");
  localiseHelp(program, HELP_DE);
}
