#!/usr/bin/env node
// Tiny shim: the CLI lives in the compiled sources.
import("../dist/cli/main.js").then((cli) => cli.main(process.argv));
