/**
 * Building configured channels: settings from the config (validated when loaded), secrets from
 * the unlocked keyring under `channel.<name>.<secret>`. The folder channel is always there as
 * the embedded default, even when nothing is configured.
 */
import { ExitCode, UserError } from "../errors.js";
import type { ChannelConfig } from "../practice/config.js";
import type { Channel, ChannelType } from "./contract.js";
import { channelType } from "./registry.js";

export const DEFAULT_CHANNEL = "folder";

export function secretKey(channelName: string, secret: string): string {
  return `channel.${channelName}.${secret}`;
}

/** The configured channels plus the embedded default folder channel. */
export function configuredChannels(channels: Readonly<Record<string, ChannelConfig>> | undefined): Record<string, ChannelConfig> {
  return { [DEFAULT_CHANNEL]: { type: "folder", settings: {} }, ...(channels ?? {}) };
}

export interface ChannelSource {
  readonly home: string;
  readonly channels: Readonly<Record<string, ChannelConfig>> | undefined;
  /** Secret lookup by full keyring name; undefined when the keyring is not unlocked. */
  readonly secrets?: Readonly<Record<string, string>>;
}

/**
 * Validate a channel's settings; bad configuration fails here, not halfway through a batch.
 * `asStored`: settings that fail validation are returned as stored instead (for `channels edit`,
 * which corrects them; what it stores is validated again).
 */
export function loadChannelSettings(name: string, config: ChannelConfig, asStored = false): { type: ChannelType<unknown>; settings: unknown } {
  // A configured channel of a type this version does not know: named, with the way out.
  const type = channelType(config.type);
  if (type === undefined) throw new UserError(ExitCode.usage, "channel.unknownTypeConfigured", { name, type: config.type });
  const parsed = type.settings.safeParse(config.settings);
  if (!parsed.success) {
    if (asStored) return { type, settings: config.settings };
    const issue = parsed.error.issues[0];
    throw new UserError(ExitCode.usage, "channel.badSettings", {
      name,
      problem: issue ? `${issue.path.join(".") || "settings"}: ${issue.message}` : "invalid",
    });
  }
  return { type, settings: parsed.data };
}

export function createChannel(name: string, source: ChannelSource): Channel {
  const config = configuredChannels(source.channels)[name];
  if (config === undefined) throw new UserError(ExitCode.usage, "channel.unknown", { name });
  const { type, settings } = loadChannelSettings(name, config);
  for (const secret of type.secrets) {
    if (source.secrets !== undefined && source.secrets[secretKey(name, secret)] === undefined) {
      throw new UserError(ExitCode.usage, "channel.missingSecret", { name, secret });
    }
  }
  return type.create({
    name,
    settings,
    home: source.home,
    secret: (secret) => source.secrets?.[secretKey(name, secret)],
  });
}
