/**
 * The main job on embedded defaults. A throwaway practice in a private temporary home (random
 * passphrase, never shown), a demo client with its own age key and consent for the hand-off
 * folder, and one follow-up from the bundled sample material — a whiteboard photo (with GPS and
 * author metadata that the pipeline removes), a short audio exercise, a homework text from the
 * template library and a note — composed, sealed and delivered by the same code as
 * `nachklang send`, through the folder channel into the demo folder. No prompts, no network.
 * What stays: the sealed bundle and the demo client's key and the practice's public key to open it.
 */
import { randomBytes } from "node:crypto";
import { readdir, writeFile } from "node:fs/promises";
import { join, relative, resolve } from "node:path";
import { generateIdentity, identityToRecipient } from "../../age/index.js";
import { BUNDLE_FILE } from "../../bundle/ids.js";
import { encodePublicKey } from "../../bundle/signature.js";
import { ExitCode, UserError, unwritableFile } from "../../errors.js";
import type { Lang } from "../../messages/index.js";
import { ClientRegistry } from "../../practice/clients.js";
import { withConsent } from "../../practice/consent.js";
import { homePaths } from "../../practice/home.js";
import { ensurePrivateDir, writePrivateFile } from "../../files.js";
import { createKeyring } from "../../practice/keyring.js";
import { withPrivateTemp } from "../../temp.js";
import { createContext, type CliContext } from "../context.js";
import { packagePath } from "../../package-root.js";

const ASSETS = packagePath("assets", "demo");

const NOTE: Record<Lang, string> = {
  de: "Schön, dass Sie heute da waren. Anbei das Foto vom Whiteboard, die Übung zum Anhören und eine kleine Anregung für die Zeit bis zum nächsten Mal.",
  en: "Thank you for coming today. Attached are the photo of the whiteboard, the exercise to listen to, and a small suggestion for the time until we meet again.",
};
const CAPTIONS: Record<Lang, { photo: string; audio: string }> = {
  de: { photo: "Unsere Ressourcen-Landkarte", audio: "Übung: sicherer Ort" },
  en: { photo: "Our map of resources", audio: "Exercise: safe place" },
};

async function bundlesIn(dir: string): Promise<Set<string>> {
  try {
    return new Set((await readdir(dir)).filter((f) => BUNDLE_FILE.test(f)));
  } catch {
    return new Set();
  }
}

export async function run(ctx: CliContext, opts: { out: string }): Promise<void> {
  const started = Date.now();
  const out = resolve(opts.out);
  try {
    await ensurePrivateDir(out);
  } catch (error) {
    // The user named the folder: one that cannot be made is bad input (exit 2), a full disk 1.
    throw unwritableFile(out, error) ?? error;
  }
  const lang = ctx.lang;
  const before = await bundlesIn(out);
  const result = await withPrivateTemp(async (tmp) => {
    const home = homePaths(join(tmp, "home"));
    await ensurePrivateDir(home.root);
    const passphrase = randomBytes(24).toString("base64");
    const passphraseFile = join(tmp, "passphrase");
    await writeFile(passphraseFile, passphrase, { mode: 0o600 });
    const keyring = await createKeyring(home.keyring, passphrase);
    const inner = createContext({ home: home.root, lang, json: ctx.json, passphraseFile });
    // In --json mode the demo prints one result of its own, not send's.
    const demoCtx: CliContext = ctx.json ? { ...inner, out: { ...inner.out, result: () => undefined } } : inner;
    demoCtx.config.set("practice", {
      name: lang === "de" ? "Praxis Demo" : "Demo practice",
      ageRecipient: keyring.ageRecipient,
      keyId: keyring.keyId,
      minisignPublicKey: encodePublicKey(keyring.signing).split("\n")[1]!,
    });
    demoCtx.config.set("lang", lang);
    demoCtx.config.set("channels", { demo: { type: "folder", settings: { path: out } } });

    const clientIdentity = generateIdentity();
    const clients = await ClientRegistry.load(home.clients, keyring.ageIdentity, keyring.ageRecipient);
    const today = new Date().toISOString().slice(0, 10);
    await clients.put(
      withConsent(
        { alias: "demo", lang, ageRecipient: await identityToRecipient(clientIdentity), channel: "demo", pinnedKeys: {}, consents: [], created: new Date().toISOString() },
        "folder",
        today,
        "demo",
      ),
    );

    // The same path as `nachklang send demo --photo … --audio … --homework … --now --yes`.
    const send = await import("./send.js");
    await send.run(demoCtx, "demo", {
      photo: [`${join(ASSETS, "whiteboard.jpg")}:${CAPTIONS[lang].photo}`],
      audio: [`${join(ASSETS, "exercise.wav")}:${CAPTIONS[lang].audio}`],
      homework: "resource-diary",
      var: ["days=7"],
      note: NOTE[lang],
      channel: "demo",
      now: true,
      yes: true,
    });
    if (process.exitCode !== undefined && process.exitCode !== 0) throw new UserError(ExitCode.failure, "demo.failed");

    const created = [...(await bundlesIn(out))].filter((f) => !before.has(f));
    const bundleFile = created[0];
    if (created.length !== 1 || bundleFile === undefined) throw new UserError(ExitCode.failure, "demo.failed");
    const id = BUNDLE_FILE.exec(bundleFile)![1]!;
    const keyFile = join(out, `${id}-client-key.txt`);
    const pubFile = join(out, `${id}-practice.pub`);
    await writePrivateFile(keyFile, `# demo client identity (age); for trying nachklang only\n${clientIdentity}\n`);
    await writePrivateFile(pubFile, encodePublicKey(keyring.signing));
    return { id, bundle: join(out, bundleFile), keyFile, pubFile };
  }, "nachklang-demo-");
  const rel = (p: string) => relative(process.cwd(), p) || p;
  ctx.out.say("demo.done", { file: rel(result.bundle), seconds: ((Date.now() - started) / 1000).toFixed(1) });
  ctx.out.say("demo.openWithNachklang", { command: `npx nachklang open ${rel(result.bundle)} --identity ${rel(result.keyFile)} --signer ${rel(result.pubFile)}` });
  ctx.out.say("demo.openWithAge", { command: `age -d -i ${rel(result.keyFile)} ${rel(result.bundle)} | tar -xv` });
  ctx.out.result(result);
}
