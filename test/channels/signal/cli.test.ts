/**
 * `nachklang channels add signal|wire` and `channels test` through the real CLI, against the
 * signal-cli emulator.
 */
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { t } from "../../../src/messages/index.js";
import { runCli, tempDir } from "../../helpers/cli.js";
import { SignalCliEmulator } from "./emulator.js";

const ACCOUNT = "+4930123456";

describe("channels add/test signal and wire (real CLI)", () => {
  let emulator: SignalCliEmulator;
  let home: string;
  let cleanup: () => Promise<void>;

  beforeAll(async () => {
    emulator = await SignalCliEmulator.start({ accounts: [ACCOUNT], version: "0.14.6" });
    ({ dir: home, cleanup } = await tempDir("nachklang-signal-cli-"));
  });
  afterAll(async () => {
    await emulator.stop();
    await cleanup();
  });

  it("adds a Signal channel from --account and --rpc-url, and tests daemon and account", async () => {
    const added = await runCli(["--json", "channels", "add", "signal", "--account", "+49 30 123456", "--rpc-url", `${emulator.url}/api/v1/rpc`], { home });
    expect(added.stderr).toBe("");
    expect(added.code).toBe(0);
    expect(JSON.parse(added.stdout)).toMatchObject({ name: "signal", type: "signal", settings: { account: ACCOUNT, rpcUrl: emulator.url } });

    const tested = await runCli(["channels", "test", "signal"], { home });
    expect(tested.code).toBe(0);
    expect(tested.stdout).toContain(t("en", "signal.daemonUp", { version: "0.14.6", url: emulator.url }));
    expect(tested.stdout).toContain(t("en", "signal.accountLinked", { account: ACCOUNT }));
    expect(emulator.calls.slice(-2)).toEqual(["version", "listAccounts"]);
    expect(emulator.sends).toHaveLength(0);
  });

  it.each(["de", "en"] as const)("refuses a number that is not in international form, exit 2 (%s)", async (lang) => {
    const result = await runCli(["--lang", lang, "channels", "add", "signal", "--name", "bad", "--account", "030123456"], { home });
    expect(result.code).toBe(2);
    expect(result.stderr.trim()).toBe(t(lang, "signal.badAccount", { account: "030123456" }));
    const url = await runCli(["--lang", lang, "channels", "add", "signal", "--name", "bad", "--account", ACCOUNT, "--rpc-url", "ftp://127.0.0.1"], { home });
    expect(url.code).toBe(2);
    expect(url.stderr.trim()).toBe(t(lang, "signal.badRpcUrl", { url: "ftp://127.0.0.1" }));
    const list = await runCli(["--json", "channels", "list"], { home });
    expect(list.stdout).not.toContain('"bad"');
  });

  it("adds a wire channel with its hand-off folder", async () => {
    const folder = join(home, "wire-handoff");
    const added = await runCli(["--lang", "de", "channels", "add", "wire", "--path", folder], { home });
    expect(added.code).toBe(0);
    expect(added.stdout).toContain(t("de", "channel.added", { name: "wire", type: "wire" }));
    const tested = await runCli(["channels", "test", "wire"], { home });
    expect(tested.code).toBe(0);
    expect(tested.stdout).toContain(t("en", "folder.ready", { folder }));
  });

  it("says in German when the daemon is gone, exit 1", async () => {
    const gone = await SignalCliEmulator.start({ accounts: [ACCOUNT] });
    const url = gone.url;
    await gone.stop();
    const added = await runCli(["channels", "add", "signal", "--name", "gone", "--account", ACCOUNT, "--rpc-url", url], { home });
    expect(added.code).toBe(0);
    const tested = await runCli(["--lang", "de", "channels", "test", "gone"], { home });
    expect(tested.code).toBe(1);
    expect(tested.stdout).toContain(t("de", "signal.daemonUnreachable", { url, reason: "ECONNREFUSED" }));
  });
});
