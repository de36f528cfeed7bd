// Imported first by main.ts: zod would otherwise probe `new Function` when the manifest
// schema is built, and the page's CSP forbids eval (it would report a violation).
import { z } from "zod";

z.config({ jitless: true });
