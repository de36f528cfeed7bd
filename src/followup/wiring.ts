/**
 * The real modules behind the workflow's ports: the bundle (seal/open with the practice keys),
 * the configured channels, the media pipeline and the template library.
 */
import { sealBundle, describeFile } from "../bundle/seal.js";
import { openBundleToTemp, verifyBundle } from "../bundle/open.js";
import { configuredChannels, createChannel, loadChannelSettings } from "../channels/factory.js";
import { requireChannelName } from "../channels/registry.js";
import { ExitCode, UserError } from "../errors.js";
import type { Config } from "../practice/config.js";
import type { Keyring } from "../practice/keyring.js";
import type { ChannelPort, HomeworkPort, MediaPort, OpenPort, SealPort, ViewerPort } from "./ports.js";
import { encodePublicKey } from "../bundle/signature.js";

export function sealPort(keyring: Keyring, practiceName: string | undefined, now: () => Date): SealPort {
  return {
    async seal({ client, message, items, outDir }) {
      const sealed = await sealBundle({
        items,
        message,
        client: client.alias,
        lang: client.lang,
        practice: {
          ...(practiceName === undefined ? {} : { name: practiceName }),
          ageRecipient: keyring.ageRecipient,
          keyId: keyring.keyId,
          signing: keyring.signing,
        },
        recipients: client.ageRecipient === undefined ? [] : [client.ageRecipient],
        outDir,
        now: now(),
      });
      return { bundleId: sealed.id, path: sealed.path, size: sealed.bytes, sha256: sealed.sha256 };
    },
  };
}

export function openPort(keyring: Keyring): OpenPort {
  return {
    async open(bundlePath) {
      const opened = await openBundleToTemp(bundlePath, { keys: { identities: [keyring.ageIdentity] }, signer: keyring.signing });
      return { followUp: opened, dispose: () => opened.dispose() };
    },
    async verify(bundlePath) {
      const v = await verifyBundle(bundlePath, { keys: { identities: [keyring.ageIdentity] }, signer: keyring.signing });
      return { manifest: v.manifest, manifestBytes: v.manifestBytes, signature: v.signature, items: [] };
    },
  };
}

export function viewerPort(keyring: Keyring, config: Config): ViewerPort {
  return {
    async write(followUp, passphrase, dir) {
      const { writeViewerFile, viewerLimitBytes } = await import("../viewer/build.js");
      return writeViewerFile(dir, {
        followUp,
        minisignPublicKey: encodePublicKey(keyring.signing),
        passphrase,
        limitBytes: viewerLimitBytes(config.get("viewerLimitMB")),
      });
    },
  };
}

/** Configured channels by name; `folder` works without configuration (the embedded default). */
export function channelPort(config: Config, keyring: Keyring, home: string): ChannelPort {
  const channels = config.get("channels");
  return {
    resolve(name) {
      const all = configuredChannels(channels);
      requireChannelName(name, Object.keys(all));
      const configured = all[name];
      if (configured === undefined) throw new UserError(ExitCode.usage, "channel.unknown", { name });
      // Validates the settings now: bad configuration fails before anything is processed.
      const { type, settings } = loadChannelSettings(name, configured);
      return {
        name,
        type: type.type,
        address: type.address,
        wantsViewer: type.wantsViewer?.(settings) ?? false,
        repeatHarmless: type.repeatHarmless,
        handsOverBundle: type.handsOverBundle,
        create: () => Promise.resolve(createChannel(name, { home, channels, secrets: keyring.secrets })),
      };
    },
  };
}

/**
 * Until the media pipeline is wired: files are sealed as they are (the CLI replaces this with
 * the real pipeline; kept for tests that do not need sharp or ffmpeg).
 */
export const unprocessedMedia: MediaPort = {
  photo(input) {
    const { mime } = describeFile(input.path);
    return Promise.resolve({ file: input.path, kind: "photo", mime, ...(input.caption === undefined ? {} : { caption: input.caption }) });
  },
  audio(input) {
    const { mime } = describeFile(input.path);
    return Promise.resolve({ file: input.path, kind: "audio", mime, ...(input.caption === undefined ? {} : { caption: input.caption }) });
  },
};

/** No template library: every homework id is unknown. */
export const noHomework: HomeworkPort = {
  check: (id) => Promise.resolve([{ key: "workflow.unknownTemplate", params: { id } }]),
  render: (id) => Promise.reject(new UserError(ExitCode.usage, "workflow.unknownTemplate", { id })),
  list: () => Promise.resolve([]),
};
