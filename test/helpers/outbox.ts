/** A follow-up waiting in the outbox, made through the real CLI for tests of the outbox commands. */
import { expect } from "vitest";
import { generateIdentity, identityToRecipient } from "../../src/age/index.js";
import { runCli } from "./cli.js";

/**
 * Add client `alias` (an age key of their own, consent for the folder channel) and queue a
 * follow-up for them due `at`, with the clock at `env`; returns its bundle id and ledger key.
 */
export async function queuedFollowUp(home: string, alias: string, env: Record<string, string>, at: string): Promise<{ id: string; key: string }> {
  const ok = async (args: string[]) => {
    const r = await runCli(args, { home, env });
    expect(r.code, `${args.join(" ")}: ${r.stderr}`).toBe(0);
    return r.stdout;
  };
  await ok(["client", "add", alias, "--age-recipient", await identityToRecipient(generateIdentity())]);
  await ok(["consent", "record", alias, "--channel", "folder"]);
  const { id } = JSON.parse(await ok(["--json", "send", alias, "--note", "Bis bald.", "--at", at, "--yes"])) as { id: string };
  const waiting = JSON.parse(await ok(["--json", "outbox", "list"])) as { id: string; key: string }[];
  return { id, key: waiting.find((w) => w.id === id)?.key ?? "" };
}
