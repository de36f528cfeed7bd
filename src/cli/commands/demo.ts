/**
 * The main job on embedded defaults: a throwaway practice in a temporary home, a demo client
 * with its own age key, a follow-up from the bundled sample material, delivered through the
 * folder channel. No prompts, no network. The practice home is removed afterwards; what stays
 * in the demo folder is the sealed bundle and the demo client's key to open it.
 */
import { randomBytes } from "node:crypto";
import { writeFile } from "node:fs/promises";
import { join, relative, resolve } from "node:path";
import { generateX25519Identity, identityToRecipient } from "age-encryption";
import { encodePublicKey } from "../../bundle/signature.js";
import { openBundleToTemp } from "../../bundle/open.js";
import { sealBundle, type SealItem } from "../../bundle/seal.js";
import { createChannel } from "../../channels/factory.js";
import { ExitCode, UserError } from "../../errors.js";
import type { Lang } from "../../messages/index.js";
import { ensurePrivateDir, homePaths, writePrivateFile } from "../../practice/home.js";
import { createKeyring } from "../../practice/keyring.js";
import { withPrivateTemp } from "../../temp.js";
import type { CliContext } from "../context.js";

const MESSAGE: Record<Lang, string> = {
  de: "Guten Tag,\n\nschön, dass Sie heute da waren. Anbei das Foto vom Whiteboard und eine kleine Anregung für die Zeit bis zum nächsten Mal – ganz freiwillig.\n\nHerzliche Grüße\nPraxis Demo",
  en: "Hello,\n\nthank you for coming today. Attached is the photo of the whiteboard and a small suggestion for the time until we meet again – entirely voluntary.\n\nWarm regards\nDemo practice",
};

const HOMEWORK: Record<Lang, string> = {
  de: "# Ressourcen-Tagebuch\n\nWenn es für Sie passt: Notieren Sie an den nächsten sieben Abenden eine Sache, die Ihnen heute gutgetan hat, und was Sie selbst dazu beigetragen haben.\n",
  en: "# Resource diary\n\nIf it fits for you: on the next seven evenings, note one thing that did you good today, and what you yourself contributed to it.\n",
};

export async function run(ctx: CliContext, opts: { out: string }): Promise<void> {
  const started = Date.now();
  const out = resolve(opts.out);
  try {
    await ensurePrivateDir(out);
  } catch (error) {
    throw new UserError(ExitCode.failure, "folder.notWritable", { folder: out, reason: String(error) }, { cause: error });
  }
  const lang = ctx.lang;
  const result = await withPrivateTemp(async (tmp) => {
    const home = homePaths(join(tmp, "home"));
    await ensurePrivateDir(home.root);
    // A throwaway practice: the passphrase is random and never shown.
    const keyring = await createKeyring(home.keyring, randomBytes(24).toString("base64"));
    const clientIdentity = await generateX25519Identity();
    const clientRecipient = await identityToRecipient(clientIdentity);

    const homework = join(tmp, lang === "de" ? "hausaufgabe.md" : "homework.md");
    await writeFile(homework, HOMEWORK[lang], { mode: 0o600 });
    const items: SealItem[] = [{ file: homework, kind: "homework", mime: "text/markdown; charset=utf-8" }];

    const sealed = await sealBundle({
      items,
      message: MESSAGE[lang],
      client: "demo",
      lang,
      practice: { name: lang === "de" ? "Praxis Demo" : "Demo practice", ageRecipient: keyring.ageRecipient, keyId: keyring.keyId, signing: keyring.signing },
      recipients: [clientRecipient],
      outDir: home.outbox,
    });

    // Deliver through the folder channel, as `send` would.
    const channel = createChannel("demo", { home: home.root, channels: { demo: { type: "folder", settings: { path: out } } } });
    const opened = await openBundleToTemp(sealed.path, { keys: { identities: [keyring.ageIdentity] }, signer: keyring.signing });
    try {
      const delivered = await channel.deliver({
        bundleId: sealed.id,
        bundlePath: sealed.path,
        followUp: opened,
        recipient: { alias: "demo", lang, address: null, pinnedKeys: {}, pinKey: () => Promise.resolve() },
        progress: { done: new Map(), record: () => Promise.resolve() },
      });
      if (delivered.status === "failed") throw new UserError(ExitCode.failure, delivered.reason, delivered.params ?? {});
    } finally {
      await opened.dispose();
    }

    const keyFile = join(out, `${sealed.id}-client-key.txt`);
    const pubFile = join(out, `${sealed.id}-practice.pub`);
    await writePrivateFile(keyFile, `# demo client identity (age); for trying nachklang only\n${clientIdentity}\n`);
    await writePrivateFile(pubFile, encodePublicKey(keyring.signing));
    return { id: sealed.id, bundle: join(out, `${sealed.id}.age`), keyFile, pubFile, items: sealed.manifest.items };
  });
  const rel = (p: string) => relative(process.cwd(), p) || p;
  ctx.out.say("demo.done", { file: rel(result.bundle), items: result.items.length, seconds: ((Date.now() - started) / 1000).toFixed(1) });
  ctx.out.say("demo.openWithNachklang", { command: `npx nachklang open ${rel(result.bundle)} --identity ${rel(result.keyFile)} --signer ${rel(result.pubFile)}` });
  ctx.out.say("demo.openWithAge", { command: `age -d -i ${rel(result.keyFile)} ${rel(result.bundle)} | tar -xv` });
  ctx.out.result(result);
}
