import type { CliContext } from "../context.js";

export async function run(ctx: CliContext): Promise<void> {
  await Promise.resolve();
  ctx.out.line(`node ${process.version}`);
}
