// Shared by the browser tests: start the mock binary on a free port, and launch Debian's
// Chromium headless.

import { spawn } from "node:child_process";

/// Starts `binary` on a free port; resolves with the child and its base URL.
export async function startMock(binary) {
  const child = spawn(binary, ["--port", "0", "--log-level", "warn"], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  let out = "";
  child.stdout.setEncoding("utf8");
  const base = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no address printed: ${out}`)), 15000);
    child.stdout.on("data", (chunk) => {
      out += chunk;
      const match = out.match(/^base URL: (\S+)$/m);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    });
    child.on("exit", (code) => reject(new Error(`mock exited with ${code}: ${out}`)));
  });
  return { child, base };
}

/// Headless Chromium: as root in a sandbox without network, so no sandbox and no background
/// connections.
export function launchChromium(chromium) {
  return chromium.launch({
    executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
    headless: true,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
}
