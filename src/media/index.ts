/**
 * The media pipeline: photos through sharp, audio through ffmpeg, an encrypted content-addressed
 * cache. Library code only: it throws `UserError`s for bad input and never prints.
 */
export type {
  AudioEvents,
  AudioProfile,
  FfmpegInfo,
  Loudness,
  MediaWarning,
  PhotoProfile,
  ProcessedAudio,
  ProcessedImage,
  ProcessedPhoto,
} from "./types.js";
export { PHOTOS_AT_ONCE } from "./types.js";
export { processPhoto } from "./photo.js";
export { processAudio } from "./audio.js";
export { MediaCache, clearMediaCache, mediaCacheDir, type MediaCacheOptions } from "./cache.js";
export { useFfmpegConfig } from "./ffmpeg.js";
export { describeFfmpeg, mediaDoctorLines, type DoctorLine } from "./doctor.js";
