/**
 * Bundle output is written with several writes under way, each at its own position, and each
 * write may be partial: the bytes must land exactly, and a failed write must fail the whole
 * sealing (a bundle that is renamed into place after a lost write would be damaged).
 */
import type { FileHandle } from "node:fs/promises";
import { randomBytes } from "node:crypto";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { writeAll } from "../../src/bundle/seal.js";

/** A file in memory whose writes complete out of order and write at most `max` bytes each. */
function fakeFile(max: number, failOnCall?: number): { handle: FileHandle; bytes: () => Buffer } {
  const data = Buffer.alloc(1 << 20);
  let size = 0;
  let calls = 0;
  const write = async (buffer: Uint8Array, offset: number, length: number, position: number | null) => {
    const call = ++calls;
    // The failing write fails at once; the others take a while, later ones may finish first.
    if (call === failOnCall) throw Object.assign(new Error("no space left on device"), { code: "ENOSPC" });
    await new Promise((resolve) => (call % 3 === 0 ? setTimeout(resolve, 2) : setImmediate(resolve)));
    const n = Math.min(length, max);
    const at = position ?? size;
    Buffer.from(buffer.buffer, buffer.byteOffset + offset, n).copy(data, at);
    size = Math.max(size, at + n);
    return { bytesWritten: n, buffer };
  };
  return { handle: { write } as unknown as FileHandle, bytes: () => data.subarray(0, size) };
}

async function* pieces(chunks: Buffer[]): AsyncGenerator<Buffer> {
  for (const chunk of chunks) {
    await Promise.resolve();
    yield chunk;
  }
}

describe("writeAll", () => {
  it("puts every byte in place, whatever the piece sizes, partial writes and completion order", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.integer({ min: 1, max: 20_000 }), { minLength: 1, maxLength: 12 }), fc.integer({ min: 512, max: 5_000 }), async (sizes, max) => {
        const chunks = sizes.map((n) => randomBytes(n));
        const file = fakeFile(max);
        await writeAll(file.handle, pieces(chunks));
        expect(file.bytes().equals(Buffer.concat(chunks))).toBe(true);
      }),
      { numRuns: 40 },
    );
  });

  it("fails when any write fails, even if later writes succeed", async () => {
    for (const failOnCall of [1, 2, 3, 5, 8]) {
      const chunks = Array.from({ length: 10 }, () => randomBytes(3000));
      const file = fakeFile(10_000, failOnCall);
      await expect(writeAll(file.handle, pieces(chunks))).rejects.toMatchObject({ code: "ENOSPC" });
    }
  });
});
