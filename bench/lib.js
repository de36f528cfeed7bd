// Shared helpers for benchmarks: run a command, measure wall time and peak RSS (VmHWM from /proc).
import { spawn, spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";

/** Run a command; resolve with wall seconds and peak resident memory in MB (Linux /proc). */
export function measure(command, args, options = {}) {
  return new Promise((resolve, reject) => {
    const start = process.hrtime.bigint();
    const child = spawn(command, args, { stdio: ["ignore", "ignore", "pipe"], ...options });
    let peakKb = 0;
    let stderr = "";
    const sample = () => {
      try {
        const status = readFileSync(`/proc/${child.pid}/status`, "utf8");
        const m = /VmHWM:\s+(\d+) kB/.exec(status);
        if (m) peakKb = Math.max(peakKb, Number(m[1]));
      } catch {
        // the process has exited
      }
    };
    const timer = setInterval(sample, 5);
    child.stderr.on("data", (d) => (stderr += d));
    child.on("error", reject);
    child.on("exit", (code) => {
      clearInterval(timer);
      const seconds = Number(process.hrtime.bigint() - start) / 1e9;
      if (code !== 0) reject(new Error(`${command} ${args.join(" ")} exited ${code}: ${stderr}`));
      else resolve({ seconds, peakMb: peakKb / 1024 });
    });
  });
}

export function hasCommand(name) {
  return spawnSync("sh", ["-c", `command -v ${name}`], { stdio: "ignore" }).status === 0;
}

export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

export const fmt = (n, digits = 2) => n.toFixed(digits);
