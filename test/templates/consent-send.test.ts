/**
 * A consent template sent as a follow-up: `--var channel=…` fills in what the channel type
 * declares about itself, in `send` as in `templates render`. `send` refused it before, naming
 * every variable the render would have filled ("needs the variable 'channel_name'" and eight more).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateIdentity, identityToRecipient } from "../../src/age/index.js";
import { initHome, runCli } from "../helpers/cli.js";

let home: string;
let cleanup: () => Promise<void>;

beforeAll(async () => {
  ({ home, cleanup } = await initHome());
  const recipient = await identityToRecipient(generateIdentity());
  for (const args of [["client", "add", "k1", "--lang", "de", "--age-recipient", recipient], ["consent", "record", "k1", "--channel", "folder"]]) {
    expect((await runCli(args, { home })).code).toBe(0);
  }
});
afterAll(() => cleanup());

describe("send --homework consent-info", () => {
  it("fills the channel's facts from --var channel, as templates render does", async () => {
    const rendered = await runCli(["templates", "render", "consent-info", "--lang", "de", "--var", "channel=signal"], { home });
    expect(rendered.code, rendered.stderr).toBe(0);
    const sent = await runCli(["send", "k1", "--homework", "consent-info", "--var", "channel=signal", "--channel", "folder", "--now", "--yes"], { home });
    expect(sent.code, sent.stderr).toBe(0);
    // An unknown channel type is still one line naming it.
    const unknown = await runCli(["send", "k1", "--homework", "consent-info", "--var", "channel=telegram", "--channel", "folder", "--dry-run"], { home });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/telegram/);
  });

  it("refuses a variable named __proto__ like any unknown one (it was dropped silently)", async () => {
    const proto = await runCli(["send", "k1", "--homework", "values", "--var", "__proto__=zz", "--channel", "folder", "--dry-run"], { home });
    expect(proto.code).toBe(2);
    expect(proto.stderr).toContain("has no variable '__proto__'");
  });
});
