#!/usr/bin/env node
// Tiny shim: the CLI is the bundle built from src/cli (scripts/build-cli.js).
import("../dist/cli-bundle/main.js").then((cli) => cli.main(process.argv));
