#!/usr/bin/env node
// Tiny shim over the compiled CLI (src/cli/main.ts).
import("../dist/cli/main.js").then((cli) => cli.main(process.argv));
