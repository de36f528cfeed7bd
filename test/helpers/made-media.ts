/**
 * Small media files made on the spot (sharp, and a WAV writer) for tests that need a photo with
 * metadata a client must never get, or a short recording.
 */
import { execFileSync } from "node:child_process";
import { chmod, mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import sharp from "sharp";

/** A small photo with what must never reach a client: GPS position and the author; rotated by EXIF (JPEG). */
export async function madePhoto(path: string, format: "jpeg" | "png" = "jpeg"): Promise<void> {
  const image = sharp({ create: { width: 96, height: 64, channels: 3, background: { r: 40, g: 120, b: 200 } } });
  if (format === "png") await image.png().toFile(path);
  else
    await image
      .jpeg()
      .withMetadata({ orientation: 6 })
      .withExifMerge({ IFD0: { Artist: "Dr. Beispiel" }, IFD3: { GPSLatitudeRef: "N", GPSLatitude: "52/1 31/1 0/1" } })
      .toFile(path);
  await chmod(path, 0o600);
}

/** Half a second of silence, one second of a 440 Hz tone, half a second of silence: 16-bit mono PCM. */
export async function madeRecording(path: string, rate = 16_000): Promise<void> {
  const samples = rate * 2;
  const data = Buffer.alloc(samples * 2);
  for (let i = 0; i < samples; i++) {
    const inTone = i >= rate / 2 && i < rate * 1.5;
    data.writeInt16LE(inTone ? Math.round(Math.sin((2 * Math.PI * 440 * i) / rate) * 8000) : 0, i * 2);
  }
  const header = Buffer.alloc(44);
  header.write("RIFF", 0);
  header.writeUInt32LE(36 + data.length, 4);
  header.write("WAVEfmt ", 8);
  header.writeUInt32LE(16, 16);
  header.writeUInt16LE(1, 20);
  header.writeUInt16LE(1, 22);
  header.writeUInt32LE(rate, 24);
  header.writeUInt32LE(rate * 2, 28);
  header.writeUInt16LE(2, 32);
  header.writeUInt16LE(16, 34);
  header.write("data", 36);
  header.writeUInt32LE(data.length, 40);
  await writeFile(path, Buffer.concat([header, data]), { mode: 0o600 });
}

/**
 * The colour profile sharp knows as "p3", with a description, copyright and device model that
 * name someone (as a calibration tool or a camera vendor may write them).
 */
async function namedColourProfile(): Promise<Buffer> {
  const tagged = await sharp({ create: { width: 2, height: 2, channels: 3, background: "#fff" } }).withIccProfile("p3").png().toBuffer();
  const icc = Buffer.from((await sharp(tagged).metadata()).icc!);
  // An ICC v4 multi-localised text (`mluc`): one record, en-US, UTF-16BE.
  const mluc = (text: string): Buffer => {
    const utf16 = Buffer.from(text, "utf16le").swap16();
    const b = Buffer.alloc(28 + utf16.length + ((4 - (utf16.length % 4)) % 4));
    b.write("mluc", 0, "latin1");
    b.writeUInt32BE(1, 8);
    b.writeUInt32BE(12, 12);
    b.write("enUS", 16, "latin1");
    b.writeUInt32BE(utf16.length, 20);
    b.writeUInt32BE(28, 24);
    utf16.copy(b, 28);
    return b;
  };
  const texts: Record<string, Buffer> = { desc: mluc("Leak Monitor of Dr. Beispiel"), cprt: mluc("Leak Praxis Beispiel") };
  const parts: Buffer[] = [icc];
  let end = icc.length;
  for (let i = 0; i < icc.readUInt32BE(128); i++) {
    const entry = 132 + i * 12;
    const text = texts[icc.toString("latin1", entry, entry + 4)];
    if (!text) continue;
    icc.writeUInt32BE(end, entry + 4);
    icc.writeUInt32BE(text.length, entry + 8);
    parts.push(text);
    end += text.length;
  }
  icc.write("Leak", 52, "latin1"); // device model
  icc.fill(0, 84, 100); // profile id: "not computed"
  const profile = Buffer.concat(parts);
  profile.writeUInt32BE(profile.length, 0);
  return profile;
}

function exiftoolWrite(file: string, args: readonly string[]): void {
  execFileSync("exiftool", ["-q", "-q", "-overwrite_original", ...args, file]);
}

/** EXIF, XMP and IPTC as cameras, phones and editors write them, with the orientation (6: turn 90° clockwise). */
const EXIF_XMP_IPTC = [
  "-Orientation#=6",
  "-GPSLatitude=52.5163", "-GPSLatitudeRef=N", "-GPSLongitude=13.3777", "-GPSLongitudeRef=E",
  "-Make=LeakMake", "-Model=LeakModel", "-SerialNumber=LeakSerial", "-InternalSerialNumber=LeakInternalSerial",
  "-DateTimeOriginal=2026:11:20 16:05:00", "-Artist=Leak Artist", "-Copyright=Leak Copyright",
  "-ImageDescription=Leak Klientin M. Muster", "-UserComment=Leak user comment",
  "-XMP-xmp:CreatorTool=Leak CreatorTool 1.0", "-XMP-photoshop:City=LeakCity", "-XMP-photoshop:AuthorsPosition=Leak Therapeutin",
  "-XMP-dc:Creator=Leak Creator",
  "-IPTC:By-line=Leak Byline", "-IPTC:City=Leak IPTC City", "-IPTC:Caption-Abstract=Leak IPTC caption",
] as const;

/**
 * Photos that carry every kind of metadata a client must never get, made with sharp and
 * exiftool: JPEG (EXIF with GPS, serials, times and an embedded thumbnail, XMP, IPTC, a COM
 * comment, a colour profile naming someone), PNG (tEXt, iTXt, zTXt, eXIf, XMP), WebP (EXIF and
 * XMP chunks), GIF (comment, XMP), TIFF and AVIF. Each is 96×64, its left half red, its right
 * half blue. Returns each file with whether it says to turn it (orientation 6).
 */
export async function leakyPhotos(dir: string): Promise<[file: string, turned: boolean][]> {
  await mkdir(dir, { recursive: true });
  const pixels = await sharp({ create: { width: 96, height: 64, channels: 3, background: { r: 0, g: 0, b: 255 } } })
    .composite([{ input: { create: { width: 48, height: 64, channels: 3, background: { r: 255, g: 0, b: 0 } } }, left: 0, top: 0 }])
    .png()
    .toBuffer();
  const halves = () => sharp(pixels);
  const icc = join(dir, "named.icc");
  await writeFile(icc, await namedColourProfile());
  const thumb = join(dir, "thumb.jpg");
  await halves().resize(24, 16).jpeg().toFile(thumb);

  const jpeg = join(dir, "camera.jpg");
  await halves().withIccProfile(icc).jpeg().toFile(jpeg);
  exiftoolWrite(jpeg, [...EXIF_XMP_IPTC, "-Comment=Leak JPEG COM", `-ThumbnailImage<=${thumb}`]);

  const png = join(dir, "scan.png");
  await halves().png().toFile(png);
  exiftoolWrite(png, [...EXIF_XMP_IPTC.filter((a) => !a.startsWith("-IPTC")), "-PNG:Comment=Leak tEXt", "-PNG:Author=Leak tEXt author", "-PNG:Title-de=Leak iTXt Titel"]);
  exiftoolWrite(png, ["-z", "-PNG:Description=Leak zTXt description"]);

  const webp = join(dir, "screenshot.webp");
  await halves().webp().toFile(webp);
  exiftoolWrite(webp, EXIF_XMP_IPTC.filter((a) => !a.startsWith("-IPTC")));

  const gif = join(dir, "drawing.gif");
  await halves().gif().toFile(gif);
  exiftoolWrite(gif, ["-Comment=Leak GIF comment", "-XMP-dc:Creator=Leak Creator", "-XMP-xmp:CreatorTool=Leak CreatorTool"]);

  const tiff = join(dir, "scanner.tif");
  await halves().tiff().toFile(tiff);
  exiftoolWrite(tiff, EXIF_XMP_IPTC);

  const avif = join(dir, "phone.avif");
  await halves()
    .withIccProfile(icc)
    .withMetadata({ orientation: 6 })
    .withExifMerge({ IFD0: { Artist: "Leak Artist", Make: "LeakMake", Model: "LeakModel" } })
    .avif()
    .toFile(avif);

  return [[jpeg, true], [png, true], [webp, true], [gif, false], [tiff, true], [avif, true]];
}

/** ffmpeg's metadata file: tags (with an encoder naming the practice's software, a time and a place) and two chapters. */
const FFMETADATA = `;FFMETADATA1
title=Leak Sicherer Ort fuer M. Muster
artist=Leak Dr. Beispiel
comment=Leak comment
encoder=Leak PraxisRecorder 3.1
creation_time=2026-01-02T03:04:05Z
location=+52.5163+013.3777/
LeakCustomTag=Leak custom value
[CHAPTER]
TIMEBASE=1/1000
START=0
END=1500
title=Leak chapter one
[CHAPTER]
TIMEBASE=1/1000
START=1500
END=3000
title=Leak chapter two
`;

/**
 * Recordings that carry every kind of tag a client must never get, made with ffmpeg: MP3 (ID3v2
 * with APIC cover art, COMM, TXXX, PRIV and CHAP frames, plus ID3v1), M4A (iTunes tags, a cover
 * art stream, chapters, the `©xyz` location, creation times), FLAC (Vorbis comments and a
 * picture), Ogg Vorbis (comments, chapters) and WAV (LIST/INFO and bext chunks). Each is 3 s
 * of a 330 Hz tone.
 */
export async function leakyRecordings(dir: string): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  const meta = join(dir, "meta.txt");
  await writeFile(meta, FFMETADATA);
  const cover = join(dir, "cover.jpg");
  await sharp({ create: { width: 64, height: 64, channels: 3, background: "#c33" } }).jpeg().toFile(cover);
  const tone = ["-f", "lavfi", "-i", "sine=f=330:d=3"];
  const ffmpeg = (out: string, args: readonly string[]) => execFileSync("ffmpeg", ["-hide_banner", "-loglevel", "error", ...tone, ...args, "-y", join(dir, out)]);
  const withCover = ["-i", cover, "-i", meta, "-map", "0:a", "-map", "1:v", "-map_metadata", "2", "-map_chapters", "2"];
  const coverTags = ["-metadata:s:v", "title=Leak cover", "-metadata:s:v", "comment=Cover (front)", "-disposition:v", "attached_pic"];
  ffmpeg("id3.mp3", [...withCover, ...coverTags, "-c:a", "libmp3lame", "-c:v", "copy", "-id3v2_version", "3", "-write_id3v1", "1", "-metadata", "id3v2_priv.com.leak.recorder=Leak private frame"]);
  ffmpeg("itunes.m4a", [...withCover, ...coverTags, "-c:a", "aac", "-c:v", "mjpeg"]);
  ffmpeg("pictures.flac", [...withCover, ...coverTags, "-c:a", "flac", "-c:v", "copy"]);
  ffmpeg("comments.ogg", ["-i", meta, "-map", "0:a", "-map_metadata", "1", "-map_chapters", "1", "-c:a", "libvorbis"]);
  ffmpeg("broadcast.wav", [
    "-i", meta, "-map", "0:a", "-map_metadata", "1", "-write_bext", "1",
    "-metadata", "originator=Leak Originator", "-metadata", "description=Leak bext description",
    "-metadata", "origination_date=2026-01-02", "-metadata", "origination_time=03:04:05", "-metadata", "coding_history=Leak coding history",
  ]);
  return ["id3.mp3", "itunes.m4a", "pictures.flac", "comments.ogg", "broadcast.wav"].map((name) => join(dir, name));
}
