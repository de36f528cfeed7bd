/** `nachklang cache clear`: remove the encrypted media cache (no passphrase needed). */
import { clearMediaCache, mediaCacheDir as cacheDirOf } from "../../media/index.js";
import type { CliContext } from "../context.js";

/** Where the media cache lives under the home folder. */
export function mediaCacheDir(ctx: CliContext): string {
  return cacheDirOf(ctx.home.cache);
}

export async function clear(ctx: CliContext): Promise<void> {
  const count = await clearMediaCache(mediaCacheDir(ctx));
  ctx.out.say("cache.cleared", { count });
  ctx.out.result({ removed: count });
}
