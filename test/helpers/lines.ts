import { expect } from "vitest";

/** Exactly one line on stderr and no stack trace; returns that line. */
export function oneLine(stderr: string): string {
  const lines = stderr.trimEnd().split("\n");
  expect(lines, stderr).toHaveLength(1);
  expect(stderr).not.toMatch(/\n\s+at /);
  return lines[0]!;
}
