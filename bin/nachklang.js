#!/usr/bin/env node
// Tiny shim over the CLI built from src/cli (scripts/build-cli.js). `seal`, `open` and `verify`
// start from the single-file build with V8's code cache (src/cli/fast-start.ts); everything
// else from the split build, which loads only the command it runs.
const fast = new Set(["seal", "open", "verify"]);
/** The command: the first argument that is neither an option nor the value of --home or --lang. */
function command(args) {
  for (let i = 0; i < args.length; i++) {
    if (args[i] === "--home" || args[i] === "--lang") i++;
    else if (!args[i].startsWith("-")) return args[i];
  }
  return undefined;
}
if (fast.has(command(process.argv.slice(2)))) import("../dist/cli/fast-start.js").then((cli) => cli.start(process.argv));
else import("../dist/cli-bundle/main.js").then((cli) => cli.main(process.argv));
