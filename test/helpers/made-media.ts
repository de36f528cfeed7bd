/**
 * Small media files made on the spot (sharp, and a WAV writer) for tests that need a photo with
 * metadata a client must never get, or a short recording.
 */
import { chmod, writeFile } from "node:fs/promises";
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
