/**
 * Configuration (no secrets, no client data): practice public details, language, channels,
 * contact hours. Stored with `conf` as `<home>/config.json`, mode 0600.
 */
import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import type Conf from "conf";

export interface ChannelConfig {
  readonly type: string;
  readonly settings: Record<string, unknown>;
}

export interface ConfigSchema {
  lang?: "de" | "en";
  practice?: { name?: string; ageRecipient: string; keyId: string; minisignPublicKey: string };
  channels?: Record<string, ChannelConfig>;
  [key: string]: unknown;
}

export type Config = Conf<ConfigSchema>;

/** Where `loadConfig` keeps the settings (conf's file: `<cwd>/<configName>.json`). */
function configFile(home: string): string {
  return join(home, "config.json");
}

/**
 * The stored settings, read without loading `conf`: conf brings its schema validator (ajv),
 * which every start would pay for. Commands that only read (the language, the practice's public
 * details) use this; everything else goes through `loadConfig`. A file that is not valid JSON is
 * left to conf, which reports it.
 */
export function readSettings(home: string): ConfigSchema {
  let text: string;
  try {
    text = readFileSync(configFile(home), "utf8");
  } catch {
    return {};
  }
  try {
    const parsed: unknown = JSON.parse(text);
    if (typeof parsed === "object" && parsed !== null && !Array.isArray(parsed)) return parsed as ConfigSchema;
  } catch {
    // fall through: conf reports it
  }
  return loadConfig(home).store;
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
      mkdirSync(dirname(this.path), { recursive: true, mode: 0o700 });
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
