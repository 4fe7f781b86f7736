#!/usr/bin/env node
/**
 * The `devtx` executable (package.json "bin"): runs the command line and exits with its code
 * (DevtxCli.ts: 0 ok, 1 a typed error, 2 a usage error).
 */
import { runDevtx } from "./DevtxCli.js"

runDevtx(process.argv.slice(2)).then((code) => {
  process.exitCode = code
})
