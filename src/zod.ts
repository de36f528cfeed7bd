/**
 * zod as all of nachklang uses it: without its JIT. On the first parse of an object schema, zod
 * compiles a fast parser with `new Function`. A command or the viewer page parses each schema
 * once or a few times, so compiling costs more than it saves, and the viewer page's
 * Content-Security-Policy forbids eval (it would report a violation).
 * Import as `import * as z from "../zod.js"`, never from "zod" directly, so that the setting
 * precedes every schema and the bundle keeps only the parts of zod that are used.
 */
import { config } from "zod";

config({ jitless: true });

export * from "zod";
