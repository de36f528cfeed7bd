/**
 * zod's tree-shakable API (`zod/mini`) for the schemas that nearly every command reads — the
 * ledger, the client registry, outbox records — so that reading them does not load all of zod
 * (see docs/decisions/start-up.md). The same core and the same setting as `z` in zod.ts: no JIT.
 * Import as `import * as zm from "../zod-mini.js"`, so the bundle keeps only what is used.
 */
import { config } from "zod/mini";

config({ jitless: true });

export * from "zod/mini";
