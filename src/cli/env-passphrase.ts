/**
 * NACHKLANG_PASSPHRASE, taken out of the environment when the CLI starts (main.ts), so that no
 * child process — ffmpeg and ffprobe, the wizard's editor, doctor's tools — inherits the keyring
 * passphrase (the agent gets an environment of its own, agent/start.ts).
 */
let taken: string | undefined;

export function takePassphraseFromEnv(env: NodeJS.ProcessEnv = process.env): void {
  if (env.NACHKLANG_PASSPHRASE !== undefined) taken = env.NACHKLANG_PASSPHRASE;
  delete env.NACHKLANG_PASSPHRASE;
}

/** The passphrase the environment held at start (or holds now, where main.ts did not run). */
export function passphraseFromEnv(): string | undefined {
  return taken ?? process.env.NACHKLANG_PASSPHRASE;
}
