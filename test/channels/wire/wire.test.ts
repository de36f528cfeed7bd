/**
 * The wire channel: the folder hand-off plus an instructions file in the client's language that
 * names neither the client nor anything of the follow-up's content.
 */
import { readdir, readFile, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { channelType } from "../../../src/channels/registry.js";
import { wireChannel, wireInstructions } from "../../../src/channels/wire.js";
import { t } from "../../../src/messages/index.js";
import { tempDir } from "../../helpers/cli.js";
import { BUNDLE_ID, makeDelivery } from "../signal/delivery.js";

const MESSAGE = "Liebe Frau Muster, denken Sie an die Atemübung vom Whiteboard.";

describe("wire channel", () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  let handoff: string;

  beforeEach(async () => {
    ({ dir, cleanup } = await tempDir("nachklang-wire-"));
    handoff = join(dir, "handoff");
  });
  afterEach(() => cleanup());

  const create = (path = handoff) => wireChannel.create({ name: "wire", settings: wireChannel.settings.parse({ path }), secret: () => undefined, home: dir });

  it("is registered as a manual, folder-like channel", async () => {
    const wire = channelType("wire");
    expect(wire?.profile).toMatchObject({ automatic: false, phoneNumberRequired: false, endToEnd: true });
    // The same files under the same names every time, and the items are never read.
    expect(wire).toMatchObject({ repeatHarmless: true, handsOverBundle: true });
    expect(wire?.address).toBe("none");
    expect(wire?.secrets).toEqual([]);
    expect((await wire?.configure({ path: "rel/dir" }))?.settings).toEqual({ path: join(process.cwd(), "rel/dir") });
  });

  it("places the bundle and the viewer, and writes German instructions that point at the viewer", async () => {
    const delivery = await makeDelivery({ dir, address: null, lang: "de", viewer: true, message: MESSAGE });
    const result = await create().deliver(delivery);
    const instructions = join(handoff, `${BUNDLE_ID}.wire.txt`);
    expect(result).toEqual({
      status: "sent",
      ids: [join(handoff, `${BUNDLE_ID}.age`), join(handoff, `${BUNDLE_ID}.html`), instructions],
    });
    expect((await readdir(handoff)).sort()).toEqual([`${BUNDLE_ID}.age`, `${BUNDLE_ID}.html`, `${BUNDLE_ID}.wire.txt`]);
    const text = await readFile(instructions, "utf8");
    expect(text).toBe(wireInstructions("de", `${BUNDLE_ID}.html`, true));
    expect(text).toContain("Übergabe in Wire");
    expect(text).toContain(`${BUNDLE_ID}.html`);
    expect(text).toContain(t("de", "wire.suggestionViewer"));
    // Neither the client nor the content: no alias, no message text, no practice name.
    expect(text).not.toContain("k042");
    expect(text).not.toContain("Muster");
    expect(text).not.toContain("Atemübung");
    expect(text).not.toContain("Praxis Test");
    expect((await stat(instructions)).mode & 0o777).toBe(0o600);
    expect(await readFile(join(handoff, `${BUNDLE_ID}.age`), "utf8")).toBe(await readFile(delivery.bundlePath, "utf8"));
  });

  it("writes English instructions pointing at the bundle when there is no viewer", async () => {
    const result = await create().deliver(await makeDelivery({ dir, address: null, lang: "en", message: MESSAGE }));
    expect(result.status).toBe("sent");
    const text = await readFile(join(handoff, `${BUNDLE_ID}.wire.txt`), "utf8");
    expect(text).toContain("Hand-off in Wire");
    expect(text).toContain(`${BUNDLE_ID}.age`);
    expect(text).not.toContain(".html");
    expect(text).toContain(t("en", "wire.suggestionBundle"));
    expect(text).not.toContain("Atemübung");
  });

  it("delivering twice writes the same three files, nothing more", async () => {
    const delivery = await makeDelivery({ dir, address: null, viewer: true });
    const first = await create().deliver(delivery);
    const second = await create().deliver(delivery);
    expect(second).toEqual(first);
    expect(await readdir(handoff)).toHaveLength(3);
  });

  it("an unusable hand-off folder is a failed delivery that may be retried, with the folder named", async () => {
    const blocked = join(dir, "blocked");
    await writeFile(blocked, "a file where the folder should be");
    const result = await create(blocked).deliver(await makeDelivery({ dir, address: null }));
    expect(result).toMatchObject({ status: "failed", reason: "folder.notWritable", retryable: true, params: { folder: blocked } });
    const report = await create(blocked).check();
    expect(report.ok).toBe(false);
  });
});
