import type { AudioEvents, AudioProfile, ProcessedAudio } from "./types.js";

/**
 * Prepare one recording for sending: first audio stream only, mono, loudness measured (ebur128,
 * cheap) and then normalised with a plain gain (plus a peak limiter only when the gain would
 * push peaks over the ceiling) to `profile.targetLufs`, encoded as AAC-LC `.m4a` or Opus `.ogg`
 * with no tags, chapters, cover art or video. Writes `<outDir>/<input base name>.<m4a|ogg>`.
 * `events.onProgress` receives increasing percentages (measuring and encoding together).
 *
 * Throws `UserError` naming `input` for: a missing or empty file, unreadable audio, no audio
 * stream, (exit 4) a recording longer than `profile.maxDurationSeconds`, and digital silence
 * when `profile.silence === "refuse"` (otherwise silence is encoded without gain and reported
 * in `warnings`). Throws `UserError(file.exists)` rather than overwrite. Temporary files live in
 * a private temp folder and are removed on success, failure and Ctrl-C; no partial output is
 * left behind. Other exceptions are bugs.
 */
export async function processAudio(input: string, outDir: string, profile: AudioProfile = {}, events: AudioEvents = {}): Promise<ProcessedAudio> {
  await Promise.resolve();
  throw new Error(`not implemented yet: ${input} ${outDir} ${JSON.stringify(profile)} ${typeof events}`);
}
