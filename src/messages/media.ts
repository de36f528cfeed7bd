import type { Catalogue } from "./entry.js";

/** Lines of the media pipeline (photos, audio, cache) and its commands. */
export const media = {
  "media.empty": {
    de: "{file}: die Datei ist leer. Bitte die Originaldatei erneut kopieren.",
    en: "{file}: the file is empty. Please copy the original file again.",
  },
  "media.photo.notImage": {
    de: "{file}: das ist kein Bild (JPEG, PNG, WebP, TIFF, GIF, AVIF, HEIC). Bitte ein Foto oder einen Scan wählen.",
    en: "{file}: this is not an image (JPEG, PNG, WebP, TIFF, GIF, AVIF, HEIC). Please choose a photo or scan.",
  },
  "media.photo.damaged": {
    de: "{file}: das Bild ist beschädigt oder unvollständig ({reason}). Bitte die Originaldatei erneut kopieren.",
    en: "{file}: the image is damaged or incomplete ({reason}). Please copy the original file again.",
  },
  "media.photo.tooManyPixels": {
    de: "{file}: {megapixels} Megapixel sind mehr als die erlaubten {limit}; nicht geöffnet. Bitte das Bild vorher verkleinern.",
    en: "{file}: {megapixels} megapixels exceed the limit of {limit}; not opened. Please scale the image down first.",
  },
  "media.audio.unreadable": {
    de: "{file}: keine lesbare Audiodatei ({reason}). Bitte die Aufnahme erneut exportieren (z. B. als WAV, M4A oder MP3).",
    en: "{file}: not readable audio ({reason}). Please export the recording again (e.g. as WAV, M4A or MP3).",
  },
  "media.audio.outExtension": {
    de: "{file}: der Name passt nicht zum Format {format}; nichts geschrieben. Bitte --out mit der Endung {extension} angeben (m4a: .m4a, opus: .ogg).",
    en: "{file}: the name does not fit the format {format}; nothing was written. Please give --out with the extension {extension} (m4a: .m4a, opus: .ogg).",
  },
  "media.audio.noSound": {
    de: "{file}: die Aufnahme enthält keinen einzigen Ton (0 Sekunden). Bitte die Originaldatei erneut kopieren.",
    en: "{file}: the recording holds no sound at all (0 seconds). Please copy the original file again.",
  },
  "media.audio.noAudio": {
    de: "{file}: die Datei enthält keine Tonspur. Bitte eine Audioaufnahme wählen.",
    en: "{file}: the file has no audio stream. Please choose an audio recording.",
  },
  "media.audio.tooLong": {
    de: "{file}: {minutes} Minuten sind länger als die erlaubten {limit} {limit:Minute|Minuten}. Bitte die Aufnahme kürzen oder teilen.",
    en: "{file}: {minutes} minutes are longer than the limit of {limit} {limit:minute|minutes}. Please shorten or split the recording.",
  },
  "media.audio.silence": {
    de: "{file}: die Aufnahme ist stumm (digitale Stille); sie wurde ohne Verstärkung umgewandelt. Bitte prüfen, ob das die richtige Datei ist.",
    en: "{file}: the recording is silent (digital silence); it was converted without any gain. Please check that this is the right file.",
  },
  "media.audio.tooShort": {
    de: "{file}: die Aufnahme dauert nur {seconds} s, zu kurz, um ihre Lautheit zu messen; sie wurde ohne Verstärkung umgewandelt. Bitte prüfen, ob die Datei vollständig ist.",
    en: "{file}: the recording lasts only {seconds} s, too short to measure its loudness; it was converted without any gain. Please check that the file is complete.",
  },
  "media.audio.tooShortRefused": {
    de: "{file}: die Aufnahme dauert nur {seconds} s, zu kurz, um ihre Lautheit zu messen; nicht umgewandelt. Bitte prüfen, ob die Datei vollständig ist.",
    en: "{file}: the recording lasts only {seconds} s, too short to measure its loudness; not converted. Please check that the file is complete.",
  },
  "media.audio.silenceRefused": {
    de: "{file}: die Aufnahme ist stumm (digitale Stille); nicht umgewandelt. Bitte die richtige Datei wählen.",
    en: "{file}: the recording is silent (digital silence); not converted. Please choose the right file.",
  },
  "media.audio.quiet": {
    de: "{file}: die Aufnahme ist sehr leise ({lufs} LUFS); die Verstärkung wurde auf {gain} dB begrenzt, damit das Rauschen nicht mit verstärkt wird.",
    en: "{file}: the recording is very quiet ({lufs} LUFS); the gain was capped at {gain} dB so as not to amplify the noise.",
  },
  "media.audio.limited": {
    de: "{file}: einzelne Spitzen wurden um bis zu {db} dB begrenzt, um die Ziellautstärke zu erreichen.",
    en: "{file}: peaks were limited by up to {db} dB to reach the target loudness.",
  },
  "media.audio.cutShort": {
    de: "{file}: die Aufnahme ist {seconds} s lang, ihr Dateikopf nennt {expected} s: sie ist wohl abgeschnitten. Sie geht so hinaus; sollte sie länger sein, bitte die Originaldatei erneut kopieren.",
    en: "{file}: the recording is {seconds} s long, its header says {expected} s: it seems cut off. It goes out as it is; if it should be longer, please copy the original file again.",
  },
  "media.audio.trimmedAll": {
    de: "{file}: die Aufnahme besteht nur aus Stille; nichts gekürzt.",
    en: "{file}: the recording is nothing but silence; nothing was trimmed.",
  },
  "media.ffmpeg.missing": {
    de: "ffmpeg wurde nicht gefunden. Bitte ffmpeg installieren (z. B. „apt install ffmpeg“ oder „brew install ffmpeg“) oder FFMPEG_PATH setzen.",
    en: "ffmpeg was not found. Please install ffmpeg (e.g. 'apt install ffmpeg' or 'brew install ffmpeg') or set FFMPEG_PATH.",
  },
  "media.ffmpeg.failed": {
    de: "{file}: {tool} ist mit Code {code} gescheitert: {stderr}",
    en: "{file}: {tool} failed with exit code {code}: {stderr}",
  },
  "media.photo.done": {
    de: "{file} → {out} ({width}×{height}, {kb} KB)",
    en: "{file} → {out} ({width}×{height}, {kb} KB)",
  },
  "media.photo.thumbDone": {
    de: "  Vorschaubild {out} ({width}×{height}, {kb} KB)",
    en: "  thumbnail {out} ({width}×{height}, {kb} KB)",
  },
  "media.audio.done": {
    de: "{file} → {out} ({duration}, {kb} KB, {inputLufs} → {target} LUFS, Verstärkung {gain} dB)",
    en: "{file} → {out} ({duration}, {kb} KB, {inputLufs} → {target} LUFS, gain {gain} dB)",
  },
  "media.partial": {
    de: "{ok} von {total} {total:Datei|Dateien} umgewandelt; die Fehler stehen oben.",
    en: "{ok} of {total} {total:file|files} converted; the errors are listed above.",
  },
  "media.badNumber": {
    de: "{option} erwartet eine ganze Zahl von {min} bis {max}, nicht „{value}“.",
    en: "{option} expects a whole number from {min} to {max}, not '{value}'.",
  },
  "cache.cleared": {
    de: "Medien-Zwischenspeicher geleert ({count} {count:Eintrag|Einträge} entfernt).",
    en: "Media cache cleared ({count} {count:entry|entries} removed).",
  },
  "media.doctor.ffmpeg": {
    de: "ffmpeg {version} ({source}): {path}",
    en: "ffmpeg {version} ({source}): {path}",
  },
  "media.doctor.ffmpegOld": {
    de: "ffmpeg {version} ist der alte mitgelieferte Build von 2018 ({path}); bitte ein aktuelles ffmpeg installieren oder FFMPEG_PATH setzen.",
    en: "ffmpeg {version} is the old bundled 2018 build ({path}); please install a current ffmpeg or set FFMPEG_PATH.",
  },
  "media.doctor.ffprobe": { de: "ffprobe: {path}", en: "ffprobe: {path}" },
  "media.doctor.sharp": {
    de: "sharp {sharp} mit libvips {vips}",
    en: "sharp {sharp} with libvips {vips}",
  },
} satisfies Catalogue;
