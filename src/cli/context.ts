/**
 * What every command gets: the resolved home, language, output, configuration, and a way to
 * obtain the passphrase and unlock the practice (once per process).
 */
import { tmpdir } from "node:os";
import { styleText } from "node:util";
import { ExitCode, UserError } from "../errors.js";
import { readSecretFile, sweepAtomicLeftovers } from "../files.js";
import { isLang, systemLang, type Lang } from "../messages/index.js";
import { homePaths, resolveHome, type HomePaths } from "../practice/home.js";
import { loadConfig, readSettings, type Config, type ConfigSchema } from "../practice/config.js";
import { canonicalPassphrase } from "../viewer/passphrase.js";
import { sweepStaleOnce } from "../temp.js";
import { createOutput, type Output } from "./output.js";
import { passphraseFromEnv } from "./env-passphrase.js";

export interface GlobalOptions {
  home?: string;
  passphraseFile?: string;
  json?: boolean;
  lang?: string;
  debug?: boolean;
}

export interface CliContext {
  readonly home: HomePaths;
  readonly lang: Lang;
  /** The language given with --lang, if any (init and client add store it as a default). */
  readonly explicitLang?: Lang;
  readonly json: boolean;
  readonly debug: boolean;
  /** `--passphrase-file`: the keyring passphrase, in every command. */
  readonly passphraseFile?: string;
  readonly out: Output;
  /** The configuration store (conf), loaded on first use. */
  readonly config: Config;
  /** The stored settings for reading only: from `config` once it is loaded, else read directly. */
  readonly settings: Readonly<ConfigSchema>;
  /** A damaged `config.json` (exit 5), which `config` and `settings` throw when used; `doctor` reports it. */
  readonly configDamage?: UserError;
}

export function createContext(options: GlobalOptions): CliContext {
  const root = resolveHome(options.home);
  const home = homePaths(root);
  // A damaged config.json is reported where it is used, so that `doctor` can still run.
  let stored: ConfigSchema = {};
  let configDamage: UserError | undefined;
  try {
    stored = readSettings(root);
  } catch (error) {
    if (!(error instanceof UserError)) throw error;
    configDamage = error;
  }
  let config: Config | undefined;
  const configured = stored.lang;
  const lang: Lang = isLang(options.lang) ? options.lang : isLang(configured) ? configured : systemLang();
  const json = options.json === true;
  return {
    home,
    lang,
    ...(isLang(options.lang) ? { explicitLang: options.lang } : {}),
    json,
    debug: options.debug === true,
    ...(options.passphraseFile === undefined ? {} : { passphraseFile: options.passphraseFile }),
    out: createOutput(lang, json),
    ...(configDamage === undefined ? {} : { configDamage }),
    get config() {
      if (configDamage !== undefined) throw configDamage;
      return (config ??= loadConfig(root));
    },
    get settings() {
      if (configDamage !== undefined) throw configDamage;
      return config?.store ?? stored;
    },
  };
}

/**
 * Remove what runs killed before they finished left in the places every command can sweep:
 * the system temp folder and the outbox (temp.ts: only our own folders of processes no longer
 * running). Places beside an `open` target are listed in the home and swept once the practice
 * key is at hand (practice.ts).
 */
export async function sweepLeftovers(ctx: CliContext): Promise<void> {
  await sweepStaleOnce(tmpdir());
  await sweepStaleOnce(ctx.home.outbox);
  // A registry, config or groups write killed halfway (clients.age.<hex>.tmp, config.json.tmp-…).
  await sweepAtomicLeftovers(ctx.home.root);
}

/** A passphrase from a file: its first line ending removed, never empty. */
async function readPassphraseFile(file: string): Promise<string> {
  const text = (await readSecretFile(file)).toString("utf8");
  const passphrase = text.replace(/\r?\n$/, "");
  if (passphrase.length === 0) throw new UserError(ExitCode.usage, "passphrase.empty", { file });
  return passphrase;
}

/**
 * The keyring passphrase: `--passphrase-file` (a global option: the keyring's in every
 * command), else NACHKLANG_PASSPHRASE, else an interactive prompt (asked twice when
 * `confirm`). Never from a command-line argument.
 */
export async function readKeyringPassphrase(ctx: CliContext, confirm = false): Promise<string> {
  // `confirm`: a new keyring passphrase (init, a restore with the recovery key), which protects
  // every key of the practice: not shorter than a viewer passphrase may be.
  const fresh = (passphrase: string) => {
    if (confirm && [...passphrase].length < MIN_PASSPHRASE_LENGTH) throw new UserError(ExitCode.usage, "passphrase.short", { min: MIN_PASSPHRASE_LENGTH });
    return passphrase;
  };
  if (ctx.passphraseFile !== undefined) return fresh(await readPassphraseFile(ctx.passphraseFile));
  const fromEnv = passphraseFromEnv();
  if (fromEnv !== undefined && fromEnv.length > 0) return fresh(fromEnv);
  if (!process.stdin.isTTY) throw new UserError(ExitCode.usage, "passphrase.none");
  const { default: inquirer } = await import("inquirer");
  const ask = async (key: "passphrase.prompt" | "passphrase.repeat") =>
    (await inquirer.prompt<{ value: string }>([{ type: "password", name: "value", mask: "*", message: ctx.out.text(key), theme: promptTheme(ctx) }])).value;
  const first = await ask("passphrase.prompt");
  if (first.length === 0) throw new UserError(ExitCode.usage, "passphrase.none");
  fresh(first);
  if (confirm && (await ask("passphrase.repeat")) !== first) throw new UserError(ExitCode.usage, "passphrase.mismatch");
  return first;
}

/** For commands without a generating option: the command that stores a generated viewer passphrase. */
export function storedPassphraseAdvice(alias: string): string {
  return `nachklang client passphrase ${alias} --generate`;
}

/** The shortest viewer passphrase agreed in a file. */
export const MIN_PASSPHRASE_LENGTH = 10;

/**
 * A client's viewer passphrase agreed in a file (`--viewer-passphrase-file`, in every command
 * that takes one): not empty, not short, canonical. `generate`: how this command gets a
 * generated one instead (its option, or the command that stores one), for the advice.
 */
export async function readViewerPassphrase(file: string, generate: string): Promise<string> {
  const passphrase = canonicalPassphrase(await readPassphraseFile(file));
  if ([...passphrase].length < MIN_PASSPHRASE_LENGTH) throw new UserError(ExitCode.usage, "viewer.passphraseShort", { file, min: MIN_PASSPHRASE_LENGTH, generate });
  return passphrase;
}

/**
 * inquirer's own words (hints, help lines, errors) in the practitioner's language, where its
 * themes allow it; the wizard replaces the rest (validation messages, "no results").
 */
export function promptTheme(ctx: CliContext) {
  const text = ctx.out.text.bind(ctx.out);
  const actions: Record<string, string> = { navigate: text("prompt.navigate"), select: text("prompt.select"), "toggle visibility": text("prompt.toggleVisibility") };
  return {
    keywords: { yes: text("prompt.yes"), no: text("prompt.no"), error: () => text("prompt.yesNo") },
    style: {
      keysHelpTip: (keys: [string, string][]) =>
        keys.map(([key, action]) => `${styleText("bold", key)} ${styleText("dim", actions[action] ?? action)}`).join(styleText("dim", " • ")),
      waitingMessage: () => text("prompt.editor"),
      loadingMessage: () => text("prompt.checking"),
    },
  };
}
