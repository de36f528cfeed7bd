import type { Catalogue } from "./entry.js";

/** Lines of issue 24's media part: HEIC photos, folders given as files, `hours` read back. */
export const dailyMedia = {
  "media.doctor.heic": {
    de: "HEIC/HEIF-Fotos (iPhone): lesbar mit heic-decode {version} (libheif als WebAssembly)",
    en: "HEIC/HEIF photos (iPhone): readable with heic-decode {version} (libheif as WebAssembly)",
  },
  "media.doctor.heicBroken": {
    de: "HEIC/HEIF-Fotos (iPhone): der Decoder heic-decode lädt nicht ({reason}); bitte nachklang neu installieren.",
    en: "HEIC/HEIF photos (iPhone): the heic-decode decoder does not load ({reason}); please reinstall nachklang.",
  },
  "media.photo.isFolder": {
    de: "{file} ist ein Ordner, kein Foto. Bitte die Fotos darin einzeln angeben (z. B. {file}/*.jpg).",
    en: "{file} is a folder, not a photo. Please name the photos in it (e.g. {file}/*.jpg).",
  },
  "media.audio.isFolder": {
    de: "{file} ist ein Ordner, keine Aufnahme. Bitte die Audiodatei darin angeben.",
    en: "{file} is a folder, not an audio recording. Please name the audio file in it.",
  },
  "media.notRegular": {
    de: "{file} ist keine gewöhnliche Datei (ein Gerät oder eine Pipe). Bitte die Datei des Fotos oder der Aufnahme selbst angeben.",
    en: "{file} is not a regular file (a device or a pipe). Please name the photo or recording file itself.",
  },
  "file.isFolder": {
    de: "{file} ist ein Ordner, keine Datei. Bitte die Dateien darin einzeln angeben.",
    en: "{file} is a folder, not a file. Please name the files in it.",
  },
} satisfies Catalogue;
