/** The folder channel with `viewer: true`: the viewer lands next to the bundle, same id. */
import { readdir, readFile, mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { folderChannel } from "../../src/channels/folder.js";
import { writeViewerFile } from "../../src/viewer/build.js";
import { tempDir } from "../helpers/cli.js";
import { missing } from "../helpers/tools.js";
import { makeFollowUp } from "./fixture.js";

describe.skipIf(missing("ffmpeg"))("folder channel with --viewer", () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  beforeAll(async () => ({ dir, cleanup } = await tempDir()));
  afterAll(() => cleanup());

  it("asks for a viewer only when configured, and places it next to the bundle", async () => {
    const configured = await folderChannel.configure({ path: join(dir, "handoff"), viewer: true });
    const settings = folderChannel.settings.parse(configured.settings);
    expect(folderChannel.wantsViewer?.(settings)).toBe(true);
    expect(folderChannel.wantsViewer?.(folderChannel.settings.parse((await folderChannel.configure({})).settings))).toBe(false);
    expect(folderChannel.describe(settings).viewer).toBe("yes");

    const f = await makeFollowUp(dir);
    const id = f.followUp.manifest.id;
    const stage = join(dir, "stage");
    await mkdir(stage);
    const bundlePath = join(stage, `${id}.age`);
    await writeFile(bundlePath, "sealed bundle bytes");
    const viewerPath = await writeViewerFile(stage, { followUp: f.followUp, minisignPublicKey: f.publicKey, passphrase: "Sommer am See 2026", scryptLogN: 10 });
    const channel = folderChannel.create({ name: "hand", settings, home: dir, secret: () => undefined });
    const result = await channel.deliver({
      bundleId: id,
      bundlePath,
      followUp: f.followUp,
      recipient: { alias: "k042", lang: "en", address: null, pinnedKeys: {}, pinKey: () => Promise.resolve() },
      progress: { done: new Map(), record: () => Promise.resolve() },
      viewerPath,
    });
    expect(result).toEqual({ status: "sent", ids: [join(dir, "handoff", `${id}.age`), join(dir, "handoff", `${id}.html`)] });
    expect((await readdir(join(dir, "handoff"))).sort()).toEqual([`${id}.age`, `${id}.html`]);
    expect(await readFile(join(dir, "handoff", `${id}.html`), "utf8")).toBe(await readFile(viewerPath, "utf8"));
  });
});
