#!/usr/bin/env node
// Runs this platform's postproxy-mock program with the same arguments and stdio, passes on
// the signals this process receives, and exits as the program did.
import { spawn } from "node:child_process";
import { constants } from "node:os";

import { binaryPath } from "../binary.js";

let program;
try {
  program = binaryPath();
} catch (error) {
  process.stderr.write(`postproxy-mock: ${error.message}\n`);
  process.exit(1);
}

const child = spawn(program, process.argv.slice(2), { stdio: "inherit" });

const SIGNALS = ["SIGINT", "SIGTERM", "SIGHUP", "SIGQUIT", "SIGUSR1", "SIGUSR2"];
const forwarders = new Map();
for (const signal of SIGNALS) {
  const forward = () => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
  };
  try {
    process.on(signal, forward);
    forwarders.set(signal, forward);
  } catch {
    // Not a signal on this platform (Windows has no SIGUSR1...).
  }
}

child.on("error", (error) => {
  process.stderr.write(`postproxy-mock: cannot run ${program}: ${error.message}\n`);
  process.exit(1);
});

child.on("exit", (code, signal) => {
  for (const [name, forward] of forwarders) process.off(name, forward);
  if (signal) {
    // Die of the same signal, so the caller sees what the program saw.
    process.kill(process.pid, signal);
    // If the signal does not end this process (e.g. ignored), exit as a shell would.
    setTimeout(() => process.exit(128 + (constants.signals[signal] ?? 1)), 100);
  } else {
    process.exit(code ?? 1);
  }
});
