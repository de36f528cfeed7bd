import tar from "tar-stream";
import { encryptAge } from "./dist/bundle/age.js";
import { generateX25519Identity, identityToRecipient } from "age-encryption";
const rec = await identityToRecipient(await generateX25519Identity());
const pack = tar.pack();
const mtime = new Date();
const w = async () => {
  const small = (name, data) => new Promise((res, rej) => pack.entry({ name, size: data.length, mode: 0o644, mtime }, data, (e) => e ? rej(e) : res()));
  await small("manifest.json", Buffer.alloc(2000, 65)); console.error("1");
  await small("manifest.json.minisig", Buffer.alloc(300, 66)); console.error("2");
  pack.finalize();
};
let n=0;
await Promise.all([w(), (async () => { for await (const c of encryptAge(pack, [rec])) n+=c.length; console.error("consumed", n) })()]);
