/** The part of heic-decode (CommonJS, untyped) that src/media/heic.ts uses. */
declare module "heic-decode" {
  interface DecodedImage {
    readonly width: number;
    readonly height: number;
    /** RGBA, 8 bits per channel, rows top to bottom, libheif's irot/imir/clap already applied. */
    readonly data: Uint8ClampedArray;
  }
  function decode(input: { buffer: Uint8Array }): Promise<DecodedImage>;
  export default decode;
}
