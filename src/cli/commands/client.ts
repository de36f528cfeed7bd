import type { CliContext } from "../context.js";

export async function run(_ctx: CliContext): Promise<void> {
  await Promise.resolve();
  throw new Error("not implemented yet");
}
export const show = run, exportKeys = run, add = run, list = run, remove = run, open = run, verify = run;
