/**
 * Media shared by several follow-ups of one batch (the same exercise audio for thirty clients)
 * is processed once: the first request starts the work, later ones wait for the same result.
 * Results live in one private temporary folder for the whole batch.
 */
import type { MediaInput } from "./draft.js";
import type { MediaPort, PreparedItem } from "./ports.js";

export function sharedMedia(port: MediaPort, dir: string): MediaPort {
  const done = new Map<string, Promise<PreparedItem>>();
  const once = (kind: "photo" | "audio", input: MediaInput, channelType: string): Promise<PreparedItem> => {
    const key = JSON.stringify([kind, input.path, channelType]);
    let result = done.get(key);
    if (result === undefined) {
      result = port[kind]({ path: input.path }, dir, channelType);
      done.set(key, result);
      // A failure is reported for every follow-up that needs the file, not cached forever.
      result.catch(() => done.delete(key));
    }
    return result.then((item) => {
      const { caption: _drop, ...rest } = item;
      return input.caption === undefined ? rest : { ...rest, caption: input.caption };
    });
  };
  return {
    photo: (input, _outDir, channelType) => once("photo", input, channelType),
    audio: (input, _outDir, channelType) => once("audio", input, channelType),
  };
}
