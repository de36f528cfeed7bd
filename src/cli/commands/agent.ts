/**
 * `nachklang unlock [--for DURATION] [--idle DURATION]` and `nachklang lock`: the agent that
 * holds the practice's keys for a working day (docs/agent.md).
 */
import { clockFromEnv } from "../../delivery/clock.js";
import { contactHours } from "../../delivery/hours.js";
import { storedHours } from "../../followup/workflow.js";
import { configuredIdleMinutes, formatDuration, idleTime, lifetimeEnd } from "../../agent/lifetime.js";
import { checkSocketPath, inspectAgentPlace } from "../../agent/paths.js";
import type { CliContext } from "../context.js";
import { printable } from "../../printable.js";
import { agentHome, agentPlace, agentState, practiceTime, unlockKeyringHere } from "../practice.js";

export interface UnlockOptions {
  readonly for?: string;
  readonly idle?: string;
}

export async function unlock(ctx: CliContext, opts: UnlockOptions): Promise<void> {
  // Everything that can be wrong with the options is wrong before the passphrase is asked for.
  const now = clockFromEnv()();
  const stored = storedHours(ctx.settings);
  const until = lifetimeEnd(now, stored === undefined ? undefined : contactHours(stored), opts.for);
  const idleMs = idleTime(opts.idle, ctx.settings.agentIdleMinutes);
  // A value in config.json that is no number of minutes is not taken silently.
  const configured: unknown = ctx.settings.agentIdleMinutes;
  if (opts.idle === undefined && configured !== undefined && configuredIdleMinutes(configured) === undefined) {
    ctx.out.warn("agent.idleConfigBad", { value: printable(JSON.stringify(configured) ?? "undefined"), minutes: Math.round(idleMs / 60_000) });
  }
  const paths = agentPlace(ctx);
  checkSocketPath(paths);
  if (await alreadyUnlocked(ctx)) return;
  const keyring = await unlockKeyringHere(ctx);
  const { startAgent } = await import("../../agent/start.js");
  const started = await startAgent({ home: agentHome(ctx), paths, keyring, until, idleMs });
  if (started.outcome === "exists") {
    // Another unlock was quicker: its agent serves.
    const { findAgent } = await import("../../agent/client.js");
    const found = await findAgent(agentHome(ctx), paths);
    if (found.state === "running") return reportAlready(ctx, new Date(found.keys.hello.until), found.keys.hello.pid);
  }
  ctx.out.say("agent.unlocked", { until: await practiceTime(ctx, until), idle: formatDuration(idleMs) });
  ctx.out.result({ unlocked: true, until: until.toISOString(), idleMinutes: Math.round(idleMs / 60_000), pid: started.pid });
}

async function alreadyUnlocked(ctx: CliContext): Promise<boolean> {
  const state = await agentState(ctx);
  if (!state.unlocked) return false;
  await reportAlready(ctx, state.until, state.pid);
  return true;
}

async function reportAlready(ctx: CliContext, until: Date, pid: number): Promise<void> {
  ctx.out.say("agent.already", { until: await practiceTime(ctx, until), pid });
  ctx.out.result({ unlocked: true, already: true, until: until.toISOString(), pid });
}

export async function lock(ctx: CliContext): Promise<void> {
  const paths = agentPlace(ctx);
  let outcome: "locked" | "absent" | "stale" = "absent";
  if ((await inspectAgentPlace(paths)) === "socket") {
    const { lockAgent } = await import("../../agent/client.js");
    outcome = await lockAgent(agentHome(ctx), paths);
  }
  if (outcome === "stale") ctx.out.warn("agent.stale", { socket: paths.socket });
  ctx.out.say(outcome === "locked" ? "agent.lockedNow" : "agent.notRunning");
  ctx.out.result({ locked: true, wasUnlocked: outcome === "locked" });
}
