/**
 * Configuration (no secrets, no client data): practice public details, language, channels,
 * contact hours. Stored with `conf` as `<home>/config.json`, mode 0600.
 */
import { existsSync, mkdirSync } from "node:fs";
import { dirname } from "node:path";
import Conf from "conf";

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

/**
 * `conf` creates its folder (mode 0755) whenever it reads a missing file. Reading must leave no
 * trace (a client opening a bundle, `doctor` on a fresh machine); writing creates the home 0700.
 */
class HomeConf extends Conf<ConfigSchema> {
  override get store(): ConfigSchema {
    if (!existsSync(this.path)) return {};
    return super.store;
  }

  override set store(value: ConfigSchema) {
    mkdirSync(dirname(this.path), { recursive: true, mode: 0o700 });
    super.store = value;
  }
}

export function loadConfig(home: string): Config {
  return new HomeConf({
    cwd: home,
    configName: "config",
    projectName: "nachklang",
    configFileMode: 0o600,
    accessPropertiesByDotNotation: false,
  });
}
