/**
 * The entry of the fast start's single-file build (dist/cli-fast/cli.js, scripts/build-cli.js):
 * the CLI as main.ts has it, and the hand-over of a payload worker the fast start made before
 * this loaded (src/cli/fast-start.ts). Kept out of main.ts so that the split build, which every
 * other command starts from, does not load it.
 */
export { main, warmUp } from "./main.js";
export { handOver } from "../bundle/worker-ahead.js";
