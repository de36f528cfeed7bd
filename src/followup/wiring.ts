/**
 * The real modules behind the workflow's ports: the bundle (seal/open with the practice keys),
 * the configured channels, the media pipeline and the template library. Each port loads its
 * modules when it is first used, so commands that only read the ledger (status, history,
 * outbox list) load no bundle, channel or media code.
 */
import { ExitCode, UserError } from "../errors.js";
import type { FollowUpShape } from "../channels/contract.js";
import type { ConfigSchema } from "../practice/config.js";
import type { PracticeKeys } from "../practice/keys.js";
import type { ChannelSecrets } from "../practice/secrets.js";
import type { ChannelPort, HomeworkPort, MediaPort, OpenPort, SealPort, ViewerPort } from "./ports.js";

export function sealPort(keys: PracticeKeys, practiceName: string | undefined, now: () => Date): SealPort {
  return {
    async seal({ client, message, items, outDir }) {
      const { sealBundle } = await import("../bundle/seal.js");
      const sealed = await sealBundle({
        items,
        message,
        client: client.alias,
        lang: client.lang,
        practice: {
          ...(practiceName === undefined ? {} : { name: practiceName }),
          ageRecipient: keys.ageRecipient,
          keyId: keys.keyId,
          signing: keys.signer,
        },
        recipients: client.ageRecipient === undefined ? [] : [client.ageRecipient],
        outDir,
        now: now(),
      });
      return { bundleId: sealed.id, path: sealed.path, size: sealed.bytes, sha256: sealed.sha256 };
    },
  };
}

export function openPort(keys: PracticeKeys): OpenPort {
  return {
    async open(bundlePath) {
      const { openBundleToTemp } = await import("../bundle/open.js");
      const opened = await openBundleToTemp(bundlePath, { keys: { identities: [keys.identity] }, signer: keys.signer });
      return { followUp: opened, dispose: () => opened.dispose() };
    },
    async verify(bundlePath) {
      const { verifyBundle } = await import("../bundle/open.js");
      const v = await verifyBundle(bundlePath, { keys: { identities: [keys.identity] }, signer: keys.signer });
      return { manifest: v.manifest, manifestBytes: v.manifestBytes, signature: v.signature, items: [] };
    },
  };
}

export function viewerPort(keys: PracticeKeys, settings: Readonly<ConfigSchema>): ViewerPort {
  return {
    async write(followUp, passphrase, dir) {
      const [{ writeViewerFile, viewerLimitBytes }, { encodePublicKey }] = await Promise.all([import("../viewer/build.js"), import("../bundle/signature.js")]);
      return writeViewerFile(dir, {
        followUp,
        minisignPublicKey: encodePublicKey(keys.signer),
        passphrase,
        limitBytes: viewerLimitBytes(settings.viewerLimitMB),
      });
    },
  };
}

/** Configured channels by name; `folder` works without configuration (the embedded default). */
export function channelPort(settings: Readonly<ConfigSchema>, secrets: () => Promise<ChannelSecrets>, home: string): ChannelPort {
  const channels = settings.channels;
  return {
    async resolve(name) {
      const [{ requireChannelName }, { configuredChannels, createChannel, loadChannelSettings }] = await Promise.all([
        import("../channels/registry.js"),
        import("../channels/factory.js"),
      ]);
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
        ...(type.plan === undefined ? {} : { plan: (shape: FollowUpShape, alias: string) => type.plan?.(settings, shape, { alias, channel: name }) ?? {} }),
        // Secrets are read only for a channel that has some (the folder channel has none).
        create: async () => createChannel(name, { home, channels, ...(type.secrets.length > 0 ? { secrets: await secrets() } : {}) }),
      };
    },
  };
}

/**
 * Until the media pipeline is wired: files are sealed as they are (the CLI replaces this with
 * the real pipeline; kept for tests that do not need sharp or ffmpeg).
 */
export const unprocessedMedia: MediaPort = {
  async photo(input) {
    const { describeFile } = await import("../bundle/seal.js");
    const { mime } = describeFile(input.path);
    return { file: input.path, kind: "photo", mime, ...(input.caption === undefined ? {} : { caption: input.caption }) };
  },
  async audio(input) {
    const { describeFile } = await import("../bundle/seal.js");
    const { mime } = describeFile(input.path);
    return { file: input.path, kind: "audio", mime, ...(input.caption === undefined ? {} : { caption: input.caption }) };
  },
};

/** No template library: every homework id is unknown. */
export const noHomework: HomeworkPort = {
  check: (id) => Promise.resolve([{ key: "workflow.unknownTemplate", params: { id } }]),
  render: (id) => Promise.reject(new UserError(ExitCode.usage, "workflow.unknownTemplate", { id })),
  list: () => Promise.resolve([]),
};
