#!/usr/bin/env node
// Tiny shim over the built CLI (src/cli/main.ts, bundled by scripts/build-cli.js into dist/).
const entry = new URL("../dist/cli/main.js", import.meta.url);
import(entry.href).then(
  (cli) => cli.main(process.argv),
  (error) => {
    // A clone installed without running its build (`npm install --ignore-scripts`): say what to do.
    if (error?.code === "ERR_MODULE_NOT_FOUND" && String(error.message).includes(entry.pathname)) {
      const root = new URL("..", import.meta.url).pathname;
      console.error(`nachklang ist noch nicht gebaut: bitte \`npm run build\` in ${root} ausführen.`);
      console.error(`nachklang is not built yet: run \`npm run build\` in ${root}.`);
      process.exit(2);
    }
    throw error;
  },
);
