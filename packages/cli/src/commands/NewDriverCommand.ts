/**
 * `devtx new-driver NAME`: scaffold packages/drivers-NAME (DriverScaffold.ts) in the workspace
 * containing the current directory, and print what was written and the next step.
 */
import { Effect } from "effect"
import { Argument, Command } from "effect/cli"
import { installedDriverNames } from "../drivers/InstalledDrivers.js"
import { scaffoldDriver } from "../scaffold/DriverScaffold.js"
import { printLines } from "./ProcessOutput.js"

export const newDriverCommand = Command.make(
  "new-driver",
  { name: Argument.String("NAME").pipe(Argument.withDescription("the driver's name, as the kernel driver's (e.g. igc, bnxt, virtio_net)")) },
  ({ name }) =>
    Effect.gen(function* () {
      const r = yield* scaffoldDriver(name, process.cwd(), installedDriverNames())
      yield* printLines([
        `created ${r.dir}:`,
        ...r.files.map((f) => `  ${f}`),
        `next: read ${r.dir}/README.md (register the package, then implement the metadata ops)`
      ])
    })
).pipe(Command.withDescription("scaffold packages/drivers-NAME: a NIC package that compiles and runs the conformance suite"))
