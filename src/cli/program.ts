/**
 * The command table. Declares every command and its options; a command's module is imported
 * only when that command runs, so `nachklang --help` loads neither crypto nor media code.
 */
import { Command, Option } from "commander";
import type { Lang } from "../messages/index.js";
import type { CliContext, GlobalOptions } from "./context.js";
import { ExitCode, UserError } from "../errors.js";
import { packageManifest } from "../package-root.js";
import { addressOptions } from "./client-options.js";
import { addAfterHelp } from "./help-lang.js";
import { readsFile, readsFileArgument, refuseStdinTwice } from "./stdin-options.js";

type Runner = (ctx: CliContext, ...args: never[]) => Promise<void>;
type Loader = () => Promise<Record<string, unknown>>;

const version = packageManifest().version;

const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

/** A fresh option like `option` (same flags, description, choices), for a second command. */
function copyOption(option: Option): Option {
  const copy = new Option(option.flags, option.description);
  if (option.argChoices !== undefined) copy.choices(option.argChoices);
  return copy;
}

/**
 * Commands that read `--lang` as the language of what they make (the client's, a template's, a
 * homework's), with all their subcommands: `client add`, `client edit`, `send`, `templates …`.
 */
const CONTENT_LANG_COMMANDS: readonly (readonly string[])[] = [["client", "add"], ["client", "edit"], ["send"], ["templates"]];
const contentLangCommands = new WeakSet<Command>();
/** Options that name a file or folder to write or read. */
const PLACE_OPTIONS: ReadonlySet<string> = new Set(["--out", "--templates", "--identity", "--signer", "--note-file", "--vars-file", "--recovery-key", "--viewer-passphrase-file"]);

/** The command a program last handed the command line to (set as commander dispatches). */
const dispatched = new WeakMap<Command, Command>();

export function readsContentLang(command: Command | null | undefined): boolean {
  for (let c = command; c !== null && c !== undefined; c = c.parent) if (contentLangCommands.has(c)) return true;
  return false;
}

/**
 * Whether the command line went to a command that reads `--lang` as its content's language. For
 * usage errors, which come before the command runs: their language is the practice's, not --lang.
 */
export function dispatchedToContentLang(program: Command): boolean {
  return readsContentLang(dispatched.get(program));
}

/**
 * Where a usage error's help is: `nachklang client add --help` for the command the command line
 * went to, `nachklang --help` before it went to any.
 */
export function helpFor(program: Command): string {
  const names: string[] = [];
  for (let c: Command | null = dispatched.get(program) ?? null; c !== null && c !== program; c = c.parent) names.unshift(c.name());
  return ["nachklang", ...names, "--help"].join(" ");
}

/**
 * The commands that change the client registry, config.json or groups.json: they run one at a
 * time (src/practice/settings-lock.ts). Sending, flushing and reading take no such lock.
 */
const CHANGES_SETTINGS = new Set([
  "keys recovery",
  "client add",
  "client import",
  "client edit",
  "client remove",
  "client passphrase",
  "client forget",
  "channels add",
  "channels edit",
  "channels remove",
  "threema pin",
  "hours set",
  "hours off",
  "group add",
  "group remove",
  "consent record",
  "consent withdraw",
  "hours away-notice",
  "inbox receipts",
  "time auto",
  "billing set",
  "records retention",
  "records purge",
]);

/** "client add" for `nachklang client add …`: the command's names below the program's. */
function commandPath(command: Command): string {
  const names: string[] = [];
  for (let c: Command | null = command; c?.parent != null; c = c.parent) names.unshift(c.name());
  return names.join(" ");
}

async function lockSettingsOf(homeOption: string | undefined): Promise<() => Promise<void>> {
  const [{ resolveHome }, { lockSettings }] = await Promise.all([import("../practice/home.js"), import("../practice/settings-lock.js")]);
  return lockSettings(resolveHome(homeOption));
}

export function buildProgram(onLang: (lang: Lang) => void): Command {
  const program = new Command("nachklang");

  /**
   * Wrap a lazily loaded command module's exported function as a commander action. A command in
   * CONTENT_LANG_COMMANDS reads `--lang` as the language of what it makes: commander hands
   * `--lang` to the program wherever it appears, so it is passed on to the command here, and the
   * practitioner's messages stay in the practice's language.
   */
  const lazy =
    (load: Loader, fn = "run") =>
    async (...args: unknown[]) => {
      const command = args[args.length - 1] as Command;
      const globals = command.optsWithGlobals<GlobalOptions>();
      const contentLang = readsContentLang(command);
      if (contentLang) {
        const opts = args[args.length - 2] as { lang?: string };
        opts.lang ??= globals.lang;
      }
      // A command that changes the practice's settings waits for another one that does, and
      // reads them only once it holds the lock (src/practice/settings-lock.ts).
      const release = CHANGES_SETTINGS.has(commandPath(command)) ? await lockSettingsOf(globals.home) : undefined;
      try {
        // Loaded here, not at start-up: the context reads the config (conf), which --help never needs.
        const { createContext, sweepLeftovers } = await import("./context.js");
        const ctx = createContext(contentLang ? { ...globals, lang: undefined } : globals);
        onLang(ctx.lang);
        // In the practice's language, before the command reads or writes anything (sweeps included).
        refuseStdinTwice(command);
        await sweepLeftovers(ctx);
        const mod = await load();
        const runner = mod[fn] as Runner;
        await (runner as (ctx: CliContext, ...rest: unknown[]) => Promise<void>)(ctx, ...args.slice(0, -1));
      } finally {
        await release?.();
      }
    };

  program
    .description("Encrypted, signed follow-ups between sessions / Verschlüsselte, signierte Nachklänge zwischen Sitzungen")
    .version(version, "--version")
    // Every command's --help lists the options below too (--passphrase-file above all).
    .configureHelp({ showGlobalOptions: true })
    .option("--home <dir>", "home folder (also NACHKLANG_HOME)")
    .option("--passphrase-file <file>", "read the keyring passphrase from a file (also NACHKLANG_PASSPHRASE; never an argument)")
    .option("--json", "machine-readable output")
    .addOption(new Option("--lang <lang>", "language of messages (client add, send, templates: the language of the content)").choices(["de", "en"]))
    .option("--debug", "show stack traces for errors")
    .showHelpAfterError(false)
    .exitOverride()
    // Usage errors are printed by the top-level handler, in the user's language.
    .configureOutput({ outputError: () => undefined });
  addAfterHelp(program, `
Examples:
  npx nachklang demo                                   try everything on built-in sample material
  nachklang init --name "Praxis Beispiel"              create the practice (asks for a passphrase)
  nachklang client add k042 --lang de --age-recipient age1...
  nachklang seal board.jpg --to k042 --note "Bis bald" seal files for a client
  nachklang open 01j....age --out ./opened             decrypt, verify, extract
  nachklang verify 01j....age --identity key.txt --signer practice.pub   check a bundle as an auditor

Passphrase: interactive prompt, --passphrase-file FILE, or NACHKLANG_PASSPHRASE (never an argument).
Exit codes: 0 ok, 1 failure, 2 usage/configuration, 3 partial, 4 refused by policy, 5 integrity.`);
  program
    .command("init")
    .description("create the practice: keys in a passphrase-encrypted keyring")
    .option("--name <name>", "practice name shown to clients")
    .addOption(new Option("--lang <lang>", "default language").choices(["de", "en"]))
    .option("--post-quantum", "a hybrid post-quantum age key (age1pq1...); stock age reads it from 1.3 on, Debian's 1.1.1 cannot")
    .option("--recovery-key <file>", "write a recovery key to this file (for scripts; otherwise offered at a terminal)")
    .option("--no-recovery-key", "make no recovery key now (add one later: keys recovery)")
    .action(lazy(() => import("./commands/init.js")));

  // --- agent (docs/agent.md) ---
  program
    .command("unlock")
    .description("unlock the practice for the working day: an agent holds the keys, commands need no passphrase")
    .option("--for <duration>", "how long, e.g. 30m or 8h (default: until the end of today's contact hours, else 8h)")
    .option("--idle <duration>", "lock after this long without use (default 60m, config agentIdleMinutes)")
    .action(lazy(() => import("./commands/agent.js"), "unlock"));
  program
    .command("lock")
    .description("lock now: the agent wipes the keys it held and stops")
    .action(lazy(() => import("./commands/agent.js"), "lock"));

  const keys = program.command("keys").description("the practice's public keys");
  keys
    .command("show")
    .description("print the age recipient, the minisign public key and its fingerprint")
    .action(lazy(() => import("./commands/keys.js"), "show"));
  keys
    .command("export")
    .description("write the age identity (secret, 0600) or the minisign public key to a file")
    .option("--identity <file>", "write the age identity (AGE-SECRET-KEY-1...)")
    .option("--minisign <file>", "write the minisign public key file")
    .action(lazy(() => import("./commands/keys.js"), "exportKeys"));

  keys
    .command("strengthen")
    .description("encrypt the keyring again at the default scrypt work factor (18)")
    .action(lazy(() => import("./commands/keys.js"), "strengthen"));

  keys
    .command("recovery")
    .description("make a recovery key for this practice: the keyring and backups are sealed to it too")
    .option("--out <file>", "write it to this file (0600) instead of showing it once")
    .option("--replace", "replace the existing recovery key")
    .action(lazy(() => import("./commands/backup.js"), "recovery"));

  const client = program.command("client").description("the client registry (encrypted at rest)");
  const clientAdd = client
    .command("add <alias>")
    .description("add a client under a pseudonym")
    .option("--name <text>", "the client's name (kept encrypted)")
    .addOption(new Option("--lang <lang>", "the client's language").choices(["de", "en"]))
    .option("--threema <id>", "Threema ID")
    .option("--phone <number>", "phone number in international form (+49...)")
    .option("--email <address>", "e-mail address")
    .option("--age-recipient <recipient>", "the client's own age recipient (age1...)")
    .option("--channel <name>", "preferred channel")
    .addOption(new Option("--billing <profile>", "billing profile for contact time (default: the practice's)").choices(["goae", "hourly", "none"]));
  for (const option of addressOptions()) clientAdd.addOption(option);
  clientAdd.action(lazy(() => import("./commands/client.js"), "add"));
  client
    .command("list [term]")
    .description("list clients; with a term, those whose alias or name contains it")
    .option("--names", "show the clients' names (decrypted for the listing only)")
    .action(lazy(() => import("./commands/client.js"), "list"));
  client
    .command("show <alias>")
    .description("show one client")
    .action(lazy(() => import("./commands/client.js"), "show"));
  readsFileArgument(client.command("import <file>"))
    .description("add clients from a CSV file (columns: alias and client add's options; consent, consent-date, consent-info); all rows or none")
    .action(lazy(() => import("./commands/client.js"), "importClients"));
  client
    .command("remove <alias>")
    .description("remove a client from the registry (refused while follow-ups wait for them)")
    .option("--force", "cancel the client's waiting follow-ups and remove the client")
    .action(lazy(() => import("./commands/client.js"), "remove"));
  // Every option of `client add` can be edited: copied at the end of this function, so an
  // option added to `client add` anywhere here needs nothing more.
  const clientEdit = client
    .command("edit <alias>")
    .description("change a client's details; what is not given stays (waiting follow-ups are checked again)");
  clientEdit
    .option("--unset <field>", "remove an optional field (e.g. phone, age-recipient; repeatable)", collect)
    .action(lazy(() => import("./commands/client.js"), "edit"));

  program
    .command("seal <files...>")
    .description("seal files into an encrypted, signed bundle for a client (photos and audio prepared as send does)")
    .requiredOption("--to <alias>", "the client")
    .option("--note <text>", "message text")
    .option("--out <file>", "where to write the bundle (default: <bundle-id>.age in the current folder)")
    .option("--raw", "seal photos and audio as they are (metadata included)")
    .action(lazy(() => import("./commands/seal.js")));

  readsFileArgument(program.command("open <bundle>"))
    .description("decrypt, verify and extract a bundle, all or nothing")
    .option("--out <dir>", "target folder (default: the bundle id)")
    .addOption(readsFile(new Option("--identity <file>", "age identity file (instead of the practice keyring)")))
    .addOption(readsFile(new Option("--signer <file>", "the practice's minisign public key (needed with --identity)")))
    .option("--signer-fingerprint <hex>", "or the fingerprint of that key, as 'keys show' prints it")
    .action(lazy(() => import("./commands/open.js"), "open"));

  readsFileArgument(program.command("verify <bundle>"))
    .description("check a bundle without writing anything")
    .addOption(readsFile(new Option("--identity <file>", "age identity file (instead of the practice keyring)")))
    .addOption(readsFile(new Option("--signer <file>", "the practice's minisign public key (needed with --identity)")))
    .option("--signer-fingerprint <hex>", "or the fingerprint of that key, as 'keys show' prints it")
    .action(lazy(() => import("./commands/open.js"), "verify"));

  const channels = program.command("channels").description("configured delivery channels");
  channels
    .command("add <type>")
    .description("configure a channel (folder, threema, signal, email, wire)")
    .option("--name <name>", "channel name (default: the type)")
    .option("--path <dir>", "folder: hand-off folder")
    // threema
    .option("--gateway-id <id>", "threema: Gateway ID (*ABCDEFG, end-to-end mode)")
    .option("--secret-file <file>", "threema: file holding the Gateway API secret")
    .option("--private-key-file <file>", "threema: file holding the Gateway ID's private key (64 hex digits)")
    .option("--api-url <url>", "threema: Gateway base URL (default https://msgapi.threema.ch)")
    // email
    .option("--host <host>", "email: SMTP server")
    .option("--port <port>", "email: SMTP port (465 TLS, 587 STARTTLS)")
    .option("--user <user>", "email: SMTP login")
    .option("--password-file <file>", "email: file with the SMTP password (kept sealed in secrets.age)")
    .option("--from <address>", "email: sender, e.g. \"Praxis Beispiel <praxis@example.org>\"")
    .option("--max-attachment-mb <mb>", "email: largest attachment (the viewer) in MB, default 10; larger follow-ups are refused before sending")
    .option("--viewer", "folder: also write the passphrase viewer (HTML) next to the bundle")
    .allowUnknownOption(false)
    .action(lazy(() => import("./commands/channels.js"), "add"));
  // Every option of `channels add` (copied at the end of this function); secrets not given are kept.
  const channelsEdit = channels
    .command("edit <name>")
    .description("change a configured channel's settings; secrets are kept unless a new file is given");
  channelsEdit.action(lazy(() => import("./commands/channels.js"), "edit"));
  channels
    .command("list")
    .description("list configured channels and their health")
    .action(lazy(() => import("./commands/channels.js"), "list"));
  channels
    .command("test <name>")
    .description("check a channel's configuration and reachability without sending")
    .action(lazy(() => import("./commands/channels.js"), "test"));
  channels
    .command("remove <name>")
    .description("remove a configured channel and its secrets")
    .action(lazy(() => import("./commands/channels.js"), "remove"));

  program
    .command("demo")
    .description("run the main job on built-in sample material, into ./nachklang-demo/")
    .option("--out <dir>", "hand-off folder", "nachklang-demo")
    .action(lazy(() => import("./commands/demo.js")));

  program
    .command("doctor")
    .description("check Node, home folder, permissions, keyring, client registry, ledger and tools")
    .action(lazy(() => import("./commands/doctor.js")));

  // --- threema ---
  const threema = program.command("threema").description("Threema Gateway: delivery receipts and key pinning");
  threema
    .command("receipts [file]")
    .description("read Gateway callback payloads (one per line; '-' or nothing: stdin), check, decrypt, record receipts")
    .option("--channel <name>", "the Threema channel", "threema")
    .action(lazy(() => import("./commands/threema.js"), "receipts"));
  threema
    .command("pin <alias>")
    .description("pin a client's Threema key: --key from the QR code, or --fingerprint compared in person")
    .option("--key <hex>", "the client's public key (64 hex digits, from the Threema QR code)")
    .option("--fingerprint <hex>", "the key fingerprint shown in the client's Threema app (32 hex digits)")
    .option("--channel <name>", "the Threema channel used to fetch the key for --fingerprint", "threema")
    .action(lazy(() => import("./commands/threema.js"), "pin"));

  // --- viewer ---
  readsFileArgument(program.command("viewer <bundle>"))
    .description("write the offline viewer for a bundle: one HTML file the client opens with a passphrase")
    .requiredOption("--out <file>", "the HTML file to write")
    .option("--viewer-passphrase-file <file>", "viewer passphrase for this follow-up (default: the client's stored one)")
    .option("--generate-passphrase", "generate a viewer passphrase for this follow-up and show it once")
    .action(lazy(() => import("./commands/viewer.js"), "viewer"));
  client
    .command("passphrase <alias>")
    .description("store the client's viewer passphrase (encrypted): agreed in a file, or generated and shown once")
    .option("--viewer-passphrase-file <file>", "the viewer passphrase agreed with the client")
    .option("--generate", "generate one (about 93 bits, five groups of four) and show it once")
    .action(lazy(() => import("./commands/client-passphrase.js"), "passphrase"));
  // --- templates ---
  // --lang names the template language in these commands.
  const templateAction = (fn: string) => lazy(() => import("./commands/templates.js"), fn);
  const templates = program.command("templates").description("homework and message templates (built-in, <home>/templates, --templates DIR)");
  templates
    .command("list")
    .description("list the templates in effect")
    .option("--kind <kind>", "only this kind (homework, exercise, impulse, onboarding, reminder, consent, message)")
    .addOption(new Option("--lang <lang>", "only this language").choices(["de", "en"]))
    .option("--templates <dir>", "another template folder (repeatable; later ones override)", collect)
    .action(templateAction("list"));
  templates
    .command("show <id>")
    .description("show a template: front matter, variables and the Liquid text")
    .addOption(new Option("--lang <lang>", "language of the template").choices(["de", "en"]))
    .option("--templates <dir>", "another template folder (repeatable; later ones override)", collect)
    .action(templateAction("show"));
  templates
    .command("render <id>")
    .description("fill a template and print the text")
    .option("--var <name=value>", "a variable (repeatable)", collect)
    .option("--vars-file <file>", "variables from a YAML or JSON file (name: value)")
    .addOption(new Option("--lang <lang>", "language of the template").choices(["de", "en"]))
    .option("--html", "escape values for HTML")
    .option("--templates <dir>", "another template folder (repeatable; later ones override)", collect)
    .action(templateAction("render"));
  templates
    .command("check [dirs...]")
    .description("check template folders (default: all templates in effect), each template in de and en; exit 2 on any problem")
    .addOption(new Option("--format <format>", "report format").choices(["text", "json", "junit"]))
    .addOption(new Option("--lang <lang>", "the practice writes only this language: require templates in it alone").choices(["de", "en"]))
    .option("--templates <dir>", "another template folder (repeatable)", collect)
    .action(templateAction("check"));
  templates
    .command("new <id>")
    .description("write a template skeleton to <dir>/<lang>/<id>.md (default: <home>/templates)")
    .requiredOption("--kind <kind>", "homework, exercise, impulse, onboarding, reminder, consent or message")
    .addOption(new Option("--lang <lang>", "language of the template").choices(["de", "en"]))
    .option("--templates <dir>", "the template folder to write into", collect)
    .action(templateAction("create"));
  // --- media ---
  const media = program
    .command("media")
    .description("preview and script the media processing; writes plain (unencrypted) files where you ask");
  media
    .command("photo <files...>")
    .description("photos: upright, fitted, sRGB, no metadata at all; writes plain files into --out (scan.png → scan.jpg)")
    .requiredOption("--out <dir>", "output folder for the plain (unencrypted) results")
    .addOption(new Option("--enhance <kind>", "even out background and lighting, raise contrast").choices(["whiteboard"]))
    .option("--max-edge <px>", "longest edge in pixels, never enlarged (default 2048)")
    .addOption(new Option("--format <format>", "output format (default jpeg)").choices(["jpeg", "webp"]))
    .option("--thumbnail", "also write a 512 px thumbnail (<name>.thumb.jpg)")
    .action(lazy(() => import("./commands/media.js"), "photo"));
  media
    .command("audio <file>")
    .description("audio: mono, loudness −16 LUFS, AAC .m4a or Opus .ogg, no tags; writes a plain file to --out")
    .requiredOption("--out <file>", "output file for the plain (unencrypted) result")
    .addOption(new Option("--format <format>", "m4a (AAC, default) or opus (.ogg); default from --out's extension").choices(["m4a", "opus"]))
    .option("--trim-silence", "cut leading and trailing silence")
    .action(lazy(() => import("./commands/media.js"), "audio"));
  const cache = program.command("cache").description("the encrypted media cache");
  cache
    .command("clear")
    .description("remove every cached media result")
    .action(lazy(() => import("./commands/cache.js"), "clear"));
  // --- signal, wire, channels compare ---
  const channelsCommand = program.commands.find((c) => c.name() === "channels");
  if (channelsCommand !== undefined) {
    channelsCommand.commands
      .find((c) => c.name() === "add")
      // signal
      ?.option("--account <number>", "signal: the practice phone's number, as signal-cli knows it (+49...)")
      .option("--rpc-url <url>", "signal: address of 'signal-cli daemon --http' (default http://127.0.0.1:8080)");
    channelsCommand
      .command("compare")
      .description("compare channel types side by side: encryption, phone number, provider, cost, what the client needs")
      .action(lazy(() => import("./commands/channels-compare.js"), "compare"));
  }

  // --- workflow ---
  program
    .command("send [alias]")
    .description("compose, seal and send one follow-up (queued outside contact hours); --group: one to each member")
    .option("--photo <file[:caption]>", "a photo (repeatable)", collect)
    .option("--audio <file[:caption]>", "an audio recording (repeatable)", collect)
    .option("--homework <id>", "a homework template, rendered in the client's language (or --lang)")
    .addOption(new Option("--lang <lang>", "the homework's language, when it is not the client's").choices(["de", "en"]))
    .option("--var <name=value>", "a template variable (repeatable)", collect)
    .option("--impulse <kind:text>", "an impulse: quote, link, book, music, video, thought (repeatable)", collect)
    .option("--note <text>", "a personal note (Markdown: **bold**, _italic_, lists, links)")
    .option("--note-file <file>", "read the note from a file")
    .option("--appointment <time>", 'next appointment, e.g. "2027-12-02 16:00" (adds a calendar item)')
    .addOption(
      new Option("--kind <kind>", "what the follow-up is, which frames its message (default: the template's kind, else homework)").choices([
        "homework",
        "exercise",
        "impulse",
        "reminder",
        "welcome",
        "ground-rules",
      ]),
    )
    .option("--channel <name>", "channel (default: the client's, else folder)")
    .option("--now", "send now, even outside contact hours")
    .option("--at <time>", 'plan a time, e.g. "2027-12-01 09:30" (more than a year ahead: asks, or --yes)')
    .option("--dry-run", "process everything and show what would be sent; store and send nothing")
    .option("--yes", "do not ask for confirmation")
    .option("--viewer", "also make the passphrase viewer (HTML) for this follow-up (folder, wire, e-mail hand it over)")
    .option("--viewer-passphrase-file <file>", "the viewer passphrase for this follow-up only (default: the client's stored one)")
    .option("--series <file>", "several follow-ups at planned times from a YAML file (docs/workflow.md)")
    .option("--group <name>", "one follow-up to each member of a group, each sealed separately, through the member's channel")
    .action(lazy(() => import("./commands/send.js"), "run"));
  program
    .command("new")
    .description("put a follow-up together interactively (wizard)")
    .option("--now", "send now, even outside contact hours")
    .action(lazy(() => import("./commands/new.js")));
  readsFileArgument(program.command("batch <file>"))
    .description("send many follow-ups from a YAML or CSV file (docs/batch.md)")
    .option("--dry-run", "check and process everything; store and send nothing")
    .option("--concurrency <n>", "follow-ups processed at once", "2")
    .option("--now", "send now, even outside contact hours")
    .option("--no-cache", "process each follow-up's media afresh (no shared processing, no media cache)")
    .action(lazy(() => import("./commands/batch.js")));
  program.command("status [alias]").description("follow-ups with state and times")
    .action(lazy(() => import("./commands/status.js"), "status"));
  program
    .command("history <alias>")
    .description("what a client has received, newest first")
    .option("--from <yyyy-mm-dd>", "first day")
    .option("--to <yyyy-mm-dd>", "last day")
    .addOption(new Option("--format <format>", "text, csv or json (for records)").choices(["text", "csv", "json"]))
    .action(lazy(() => import("./commands/status.js"), "history"));
  const hours = program.command("hours").description("contact hours: follow-ups go out only then");
  hours
    .command("set <spec>")
    .description('set weekly hours, e.g. "mo-fr 09:00-18:00; sa 10:00-12:00"')
    .option("--tz <zone>", "time zone (IANA, e.g. Europe/Berlin; default: the system's)")
    .action(lazy(() => import("./commands/hours.js"), "set"));
  hours
    .command("off [ranges...]")
    .description("days off, e.g. 2026-12-23..2027-01-06 or 2026-12-24")
    .option("--clear", "remove the days off set before")
    .action(lazy(() => import("./commands/hours.js"), "off"));
  hours.command("show").description("show contact hours and the next opening").action(lazy(() => import("./commands/hours.js"), "show"));
  const group = program.command("group").description("named groups of clients (send --group NAME)");
  group.command("add <name> <aliases...>").description("create a group or add clients to it")
    .action(lazy(() => import("./commands/group.js"), "add"));
  group.command("list").description("list groups and their members")
    .action(lazy(() => import("./commands/group.js"), "list"));
  group.command("remove <name> [aliases...]").description("remove a group, or only the clients named")
    .action(lazy(() => import("./commands/group.js"), "remove"));

  const outbox = program.command("outbox").description("follow-ups waiting for contact hours");
  outbox.command("list").description("list waiting follow-ups").action(lazy(() => import("./commands/outbox.js"), "list"));
  outbox.command("flush").description("deliver what is due (for cron or a systemd timer)")
    .option("--if-unlocked", "when the practice is locked, say so and end with exit 0 (for a timer that also runs after hours)")
    .action(lazy(() => import("./commands/outbox.js"), "flush"));
  outbox.command("cancel [id]").description("withdraw and delete a waiting or failed follow-up")
    .option("--series <id>", "withdraw every follow-up of this series that has not gone out")
    .action(lazy(() => import("./commands/outbox.js"), "cancel"));
  outbox.command("retry <id>").description("deliver an uncertain or failed follow-up again at the next flush")
    .action(lazy(() => import("./commands/outbox.js"), "retry"));
  outbox.command("reroute <id>").description("send the same sealed follow-up through another channel the client consented to")
    .requiredOption("--channel <name>", "the channel to use instead")
    .action(lazy(() => import("./commands/outbox.js"), "reroute"));
  const consent = program.command("consent").description("consent per channel type (nothing is sent without it)");
  consent
    .command("record <alias>")
    .description("record consent for a channel type")
    .requiredOption("--channel <type>", "channel type: threema, signal, email, folder, wire")
    .option("--date <yyyy-mm-dd>", "day consent was given (default: today)")
    .option("--info-version <v>", "version of the information given", "1")
    .action(lazy(() => import("./commands/consent.js"), "record"));
  consent
    .command("withdraw <alias>")
    .description("record that consent was withdrawn")
    .requiredOption("--channel <type>", "channel type")
    .option("--date <yyyy-mm-dd>", "day of withdrawal (default: today)")
    .action(lazy(() => import("./commands/consent.js"), "withdraw"));
  consent.command("show <alias>").description("consents of a client").action(lazy(() => import("./commands/consent.js"), "show"));

  hours
    .command("away-notice <state>")
    .description("on|off: one automatic notice per off-period to clients who write outside contact hours (template away-notice)")
    .action(lazy(() => import("./commands/hours.js"), "awayNotice"));

  // --- inbox ---
  const inbox = program.command("inbox").description("clients' replies: stored sealed on arrival, read when there is time");
  inbox
    .command("list", { isDefault: true })
    .description("who wrote: per client, how many messages wait and since when (no content)")
    .option("--names", "also show the clients' names")
    .action(lazy(() => import("./commands/inbox.js"), "list"));
  inbox
    .command("read <alias>")
    .description("show a client's waiting messages, mark them read, then send the read receipt")
    .option("--out <dir>", "write the files the client sent into this folder (plain)")
    .action(lazy(() => import("./commands/inbox.js"), "read"));
  inbox
    .command("reply <alias>")
    .description("answer with a follow-up (consent, contact hours, outbox, ledger as for send)")
    .option("--note <text>", "a personal note")
    .option("--note-file <file>", "read the note from a file")
    .option("--homework <id>", "a homework template, rendered in the client's language")
    .option("--var <name=value>", "a template variable (repeatable)", collect)
    .option("--photo <file[:caption]>", "a photo (repeatable)", collect)
    .option("--audio <file[:caption]>", "an audio recording (repeatable)", collect)
    .option("--impulse <kind:text>", "an impulse: quote, link, book, music, video, thought (repeatable)", collect)
    .option("--channel <name>", "channel (default: the one the client's latest message came through)")
    .option("--viewer", "also make the offline viewer, with the client's stored viewer passphrase (a client without an age key)")
    .option("--now", "send now, even outside contact hours")
    .option("--at <time>", 'plan a time, e.g. "2027-12-01 09:30" (more than a year ahead: asks, or --yes)')
    .option("--yes", "do not ask for confirmation")
    .action(lazy(() => import("./commands/inbox.js"), "reply"));
  inbox
    .command("receipts <state> [alias]")
    .description("on|off: read receipts for the practice, or for one client")
    .action(lazy(() => import("./commands/inbox.js"), "receipts"));
  inbox
    .command("serve")
    .description("the Threema Gateway callback endpoint: stores each message sealed, runs while the practice is locked")
    .option("--listen <host:port>", "address to listen on (default 127.0.0.1:8470; TLS ends at the proxy in front)")
    .option("--path <path>", "URL path the Gateway posts to (default /threema)")
    .option("--channel <name>", "the Threema channel", "threema")
    .option("--check-mac", "unlock once at start and refuse callbacks with a wrong MAC at the door")
    .action(lazy(() => import("./commands/inbox.js"), "serve"));
  inbox
    .command("fetch")
    .description("fetch waiting messages from signal-cli (daemon with --receive-mode=manual), store them sealed")
    .option("--channel <name>", "the Signal channel (default: the first configured)")
    .action(lazy(() => import("./commands/inbox.js"), "fetchMessages"));

  // --- records: contact time, billing (docs/records.md) ---
  const time = program.command("time").description("contact time between sessions, and the billing report");
  time
    .command("log <alias> <duration>")
    .description("log contact time, e.g. 15m or 1h30m")
    .option("--kind <kind>", "messenger, email, phone, followup or other", "other")
    .option("--on <yyyy-mm-dd>", "day of the contact (default: today)")
    .option("--note-file <file>", "a note (kept encrypted)")
    .action(lazy(() => import("./commands/time.js"), "log"));
  time
    .command("list [alias]")
    .description("contact time entries")
    .option("--month <yyyy-mm>", "one month")
    .option("--from <yyyy-mm-dd>", "first day")
    .option("--to <yyyy-mm-dd>", "last day")
    .option("--notes", "show the notes (decrypted)")
    .action(lazy(() => import("./commands/time.js"), "list"));
  time
    .command("edit <id>")
    .description("correct an entry (manual or automatic)")
    .option("--duration <duration>", "new duration, e.g. 20m")
    .option("--kind <kind>", "messenger, email, phone, followup or other")
    .option("--on <yyyy-mm-dd>", "another day")
    .option("--note-file <file>", "replace the note")
    .option("--no-note", "remove the note")
    .action(lazy(() => import("./commands/time.js"), "edit"));
  time.command("remove <id>").description("remove an entry").action(lazy(() => import("./commands/time.js"), "remove"));
  time
    .command("auto <state>")
    .description("log contact time automatically from the wizard and replies: on or off")
    .action(lazy(() => import("./commands/time.js"), "auto"));
  time
    .command("report")
    .description("billing report of a month: one line per entry, a sum per client (names clients unless --pseudonyms)")
    .requiredOption("--month <yyyy-mm>", "the month")
    .addOption(new Option("--format <format>", "csv, json or md (default: from --out, else csv)").choices(["csv", "json", "md"]))
    .option("--out <file>", "write to this file (0600; never replaces one)")
    .option("--pseudonyms", "aliases instead of names")
    .action(lazy(() => import("./commands/time.js"), "report"));
  const billing = program.command("billing").description("billing defaults for contact time");
  billing
    .command("set")
    .description("set the practice defaults")
    .addOption(new Option("--profile <profile>", "default profile for clients without their own").choices(["goae", "hourly", "none"]))
    .option("--hourly <eur>", "rate per hour in euros, e.g. 90 or 92.50")
    .option("--round <step>", "hourly rounding: each started 1m, 5m, 10m or 15m")
    .option("--goae-factor <factor>", "GOÄ factor, 1.0 to 3.5 (default 2.3)")
    .action(lazy(() => import("./commands/billing.js"), "set"));
  billing.command("show").description("show the billing defaults").action(lazy(() => import("./commands/billing.js"), "showSettings"));

  client
    .command("export <alias>")
    .description("everything stored about a client (GDPR Art. 15/20), sealed to the client's age key or as an offline viewer")
    .requiredOption("--out <file>", "the file to write (never replaces one)")
    .option("--viewer", "an offline viewer (HTML) with the client's viewer passphrase instead of an age file")
    .option("--viewer-passphrase-file <file>", "the viewer passphrase for this export (default: the client's stored one)")
    .action(lazy(() => import("./commands/client-rights.js"), "exportClient"));
  client
    .command("forget <alias>")
    .description("erase a client's contact details and waiting follow-ups (GDPR Art. 17); keeps what must be kept")
    .option("--yes", "do not ask for confirmation")
    .action(lazy(() => import("./commands/client-rights.js"), "forget"));
  program
    .command("backup")
    .description("one sealed file of the whole home (to the practice key and the recovery key), signed by the practice key")
    .requiredOption("--out <file>", "the backup file (outside the home; never replaces one)")
    .action(lazy(() => import("./commands/backup.js"), "backup"));
  readsFileArgument(program.command("restore <file>"))
    .description("restore a backup into a new home (--home DIR), with the passphrase or --recovery-key")
    .addOption(readsFile(new Option("--recovery-key <file>", "the recovery key file; the keyring then takes a new passphrase")))
    .option("--accept-unverified", "restore a backup whose origin cannot be confirmed (made before backups were signed, or a recovery key made before anchors)")
    .action(lazy(() => import("./commands/backup.js"), "restore"));
  const records = program.command("records").description("retention, deletion and the ledger's purge records (docs/records.md)");
  records
    .command("retention [action] [span]")
    .description("show the retention, or change it: set 10y (after each client's last contact)")
    .action(lazy(() => import("./commands/records.js"), "retention"));
  records
    .command("purge")
    .description("delete every record of clients whose retention has ended; prints what went")
    .option("--dry-run", "only say what would be deleted")
    .action(lazy(() => import("./commands/records.js"), "purge"));
  records
    .command("prune <what>")
    .description("handoff: remove hand-over copies older than --older-than that the archive still holds")
    .option("--older-than <span>", "age, e.g. 30d", "30d")
    .option("--dry-run", "only say what would be removed")
    .action(lazy(() => import("./commands/records.js"), "prune"));
  records
    .command("verify")
    .description("check the ledger against its signed purge records (exit 5 when it does not match)")
    .action(lazy(() => import("./commands/records.js"), "verifyRecords"));

  for (const sub of program.commands) inheritSettings(sub);
  for (const path of CONTENT_LANG_COMMANDS) {
    const command = path.reduce<Command | undefined>((parent, name) => parent?.commands.find((c) => c.name() === name), program);
    if (command === undefined) throw new Error(`no command ${path.join(" ")}`);
    contentLangCommands.add(command);
  }
  const watchDispatch = (command: Command) => {
    if (command.commands.length === 0) return;
    command.hook("preSubcommand", (_parent, sub) => void dispatched.set(program, sub));
    for (const sub of command.commands) watchDispatch(sub);
  };
  watchDispatch(program);
  // An empty place (`--out ""`) would be the current folder, or a file named by nothing: refused
  // in one line wherever a command takes one, before anything runs. (`--home` is the program's.)
  program.hook("preAction", (_program, action) => {
    for (const option of action.options) {
      if (!PLACE_OPTIONS.has(option.long ?? "")) continue;
      const value: unknown = action.getOptionValue(option.attributeName());
      if (typeof value === "string" && value.trim() === "") throw new UserError(ExitCode.usage, "option.emptyPlace", { option: option.long ?? "" });
    }
  });
  for (const option of clientAdd.options) clientEdit.addOption(copyOption(option));
  // Not a field, so not copied to `client edit`.
  clientAdd.option("--returning", "the same person as a removed client whose records are kept under this alias");
  const channelsAdd = channels.commands.find((c) => c.name() === "add");
  for (const option of channelsAdd?.options ?? []) if (option.long !== "--name") channelsEdit.addOption(copyOption(option));
  // After --viewer: declared first, --no-viewer would make the viewer the default.
  channelsEdit.option("--no-viewer", "folder: no longer write the passphrase viewer");
  // An edit changes only what was typed: a default (commander gives a lone --no-x one) changes nothing.
  for (const edit of [clientEdit, channelsEdit]) {
    edit.hook("preAction", (command) => {
      for (const key of Object.keys(command.opts())) if (command.getOptionValueSource(key) === "default") command.setOptionValue(key, undefined);
    });
  }
  return program;
}

function inheritSettings(command: Command): void {
  command.exitOverride().showHelpAfterError(false).configureOutput({ outputError: () => undefined });
  for (const sub of command.commands) inheritSettings(sub);
}

export const collectOption = collect;
