import { ExitCode, UserError } from "../errors.js";
import { exists } from "../practice/home.js";
import type { CliContext } from "./context.js";

/** A missing keyring is a usage error that says how to create the practice. */
export async function ensureHomeReadable(ctx: CliContext): Promise<void> {
  if (!(await exists(ctx.home.keyring))) throw new UserError(ExitCode.usage, "practice.missing", { file: ctx.home.keyring });
}
