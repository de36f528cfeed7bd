/**
 * Configuration (no secrets, no client data): practice public details, language, channels,
 * contact hours. Stored with `conf` as `<home>/config.json`, mode 0600.
 */
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

export function loadConfig(home: string): Config {
  return new Conf<ConfigSchema>({
    cwd: home,
    configName: "config",
    projectName: "nachklang",
    configFileMode: 0o600,
    accessPropertiesByDotNotation: false,
  });
}
