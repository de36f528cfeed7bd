/**
 * Configuration (no secrets, no client data): practice public details, language, channels,
 * contact hours. Stored with `conf` as `<home>/config.json`, mode 0600.
 */
import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import type Conf from "conf";
import { ExitCode, UserError, unreadableFile } from "../errors.js";
import { firstCodePoints } from "../printable.js";
import { makeDirsSync } from "../dirs.js";

export interface ChannelConfig {
  readonly type: string;
  readonly settings: Record<string, unknown>;
}

export interface ConfigSchema {
  lang?: "de" | "en";
  practice?: { name?: string; ageRecipient: string; keyId: string; minisignPublicKey: string };
  channels?: Record<string, ChannelConfig>;
  /** Minutes without use after which the agent locks (default 60; docs/agent.md). */
  agentIdleMinutes?: number;
  [key: string]: unknown;
}

export type Config = Conf<ConfigSchema>;

/** Where `loadConfig` keeps the settings (conf's file: `<cwd>/<configName>.json`). */
export function configFile(home: string): string {
  return join(home, "config.json");
}

/**
 * The stored settings, read without loading `conf`: conf brings its schema validator (ajv),
 * which every start would pay for. Commands that only read (the language, the practice's public
 * details) use this; everything else goes through `loadConfig`. A file that is not a JSON object
 * with the expected shape of the values nachklang relies on is damaged: a UserError (exit 5)
 * naming it.
 */
export function readSettings(home: string): ConfigSchema {
  const file = configFile(home);
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return {};
    throw unreadableFile(file, error) ?? error;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw damaged(file, error instanceof Error ? error.message : "not JSON", error);
  }
  const problem = shapeProblem(parsed);
  if (problem !== undefined) throw damaged(file, problem);
  return parsed as ConfigSchema;
}

function damaged(file: string, reason: string, cause?: unknown): UserError {
  return new UserError(ExitCode.integrity, "config.damaged", { file, reason: firstCodePoints(reason, 120) }, cause === undefined ? undefined : { cause });
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null && !Array.isArray(value);

/** What is wrong with the shape of the values every command relies on, if anything. */
function shapeProblem(value: unknown): string | undefined {
  if (!isObject(value)) return "not a JSON object";
  if (value.lang !== undefined && value.lang !== "de" && value.lang !== "en") return "lang";
  const practice = value.practice;
  if (practice !== undefined) {
    if (!isObject(practice)) return "practice";
    for (const key of ["ageRecipient", "keyId", "minisignPublicKey"]) if (typeof practice[key] !== "string") return `practice.${key}`;
    if (practice.name !== undefined && typeof practice.name !== "string") return "practice.name";
  }
  const channels = value.channels;
  if (channels !== undefined) {
    if (!isObject(channels)) return "channels";
    for (const [name, channel] of Object.entries(channels)) {
      if (!isObject(channel) || typeof channel.type !== "string" || !isObject(channel.settings)) return `channels.${name}`;
    }
  }
  return undefined;
}

/** conf is loaded on first use (see readSettings), with `require`: Node 20.19+ can require ES modules. */
let HomeConf: (new (options: ConstructorParameters<typeof Conf<ConfigSchema>>[0]) => Conf<ConfigSchema>) | undefined;

function homeConfClass(): NonNullable<typeof HomeConf> {
  if (HomeConf !== undefined) return HomeConf;
  const { default: ConfClass } = createRequire(import.meta.url)("conf") as { default: typeof Conf };
  /**
   * `conf` creates its folder (mode 0755) whenever it reads a missing file. Reading must leave no
   * trace (a client opening a bundle, `doctor` on a fresh machine); writing creates the home 0700.
   */
  HomeConf = class extends ConfClass<ConfigSchema> {
    override get store(): ConfigSchema {
      if (!existsSync(this.path)) return {};
      return super.store;
    }

    override set store(value: ConfigSchema) {
      makeDirsSync(dirname(this.path), 0o700);
      super.store = value;
    }
  };
  return HomeConf;
}

export function loadConfig(home: string): Config {
  const ConfClass = homeConfClass();
  return new ConfClass({
    cwd: home,
    configName: "config",
    projectName: "nachklang",
    configFileMode: 0o600,
    accessPropertiesByDotNotation: false,
  });
}
