#!/usr/bin/env node
// The `devtx` launcher npm links into node_modules/.bin. It is committed (and executable) so the
// link works on a fresh clone; the command itself is the compiled dist/bin.js, which the root
// package's `prepare` script (tsc -b) builds during `npm install` / `npm ci`.
import { existsSync } from "node:fs"

const target = new URL("../dist/bin.js", import.meta.url)
if (!existsSync(target)) {
  process.stderr.write("devtx: the command is not built yet; run `npm install` (its prepare step runs tsc -b) or `npx tsc -b`\n")
  process.exit(1)
}
await import(target.href)
