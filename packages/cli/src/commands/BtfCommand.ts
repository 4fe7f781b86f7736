/**
 * `devtx btf dump --driver NAME [--format c|raw|json]`: the driver's split BTF as bpftool
 * prints it with -B base (`format c`, `format raw`, `-j … format raw`).
 * `devtx btf export --driver NAME -o FILE [--base-out FILE]`: the split BTF and the base BTF
 * as raw BTF files (`bpftool btf dump file FILE -B BASE` reads them); --base-out defaults to
 * FILE.base.
 */
import * as fs from "node:fs"
import { Effect } from "effect"
import { Command, Flag } from "effect/cli"
import { InputFileError } from "../CliErrors.js"
import { BtfDumpFormats, driverBtf, dumpDriverBtf } from "../drivers/DriverBtfExport.js"
import { findDriver, installedDriverNames } from "../drivers/InstalledDrivers.js"
import { printLines } from "./ProcessOutput.js"

const driverFlag = Flag.Literals("driver", installedDriverNames() as [string, ...string[]]).pipe(Flag.withDescription("the NIC whose BTF to use"))

const writeFile = (flag: string, path: string, bytes: Uint8Array) =>
  Effect.try({
    try: () => fs.writeFileSync(path, bytes),
    catch: (e) => new InputFileError({ flag, path, reason: e instanceof Error ? e.message : String(e) })
  })

const dump = Command.make(
  "dump",
  {
    driver: driverFlag,
    format: Flag.Literals("format", BtfDumpFormats).pipe(
      Flag.withDescription("c (bpftool format c), raw (bpftool format raw), json (bpftool -j format raw)"),
      Flag.withDefault("raw")
    )
  },
  ({ driver, format }) =>
    Effect.gen(function* () {
      const b = yield* driverBtf(yield* findDriver(driver))
      yield* Effect.sync(() => void process.stdout.write(dumpDriverBtf(b, format)))
    })
).pipe(Command.withDescription("print the driver's split BTF as bpftool does"))

const exportCommand = Command.make(
  "export",
  {
    driver: driverFlag,
    out: Flag.String("o").pipe(Flag.withDescription("file for the driver's split BTF")),
    baseOut: Flag.String("base-out").pipe(Flag.withDescription("file for the base BTF (default: <o>.base)"), Flag.optional)
  },
  ({ driver, out, baseOut }) =>
    Effect.gen(function* () {
      const b = yield* driverBtf(yield* findDriver(driver))
      const base = baseOut._tag === "Some" ? baseOut.value : `${out}.base`
      yield* writeFile("-o", out, b.splitBytes)
      yield* writeFile("--base-out", base, b.baseBytes)
      yield* printLines([
        `wrote ${driver} split BTF (${b.splitBytes.length} bytes, ${b.split.types.length} types) to ${out}`,
        `wrote base BTF (${b.baseBytes.length} bytes, ${b.base.types.length} types) to ${base}`,
        `read with: bpftool btf dump file ${out} -B ${base}`
      ])
    })
).pipe(Command.withDescription("write the driver's split BTF and the base BTF as raw BTF files"))

export const btfCommand = Command.make("btf").pipe(
  Command.withDescription("a driver's BTF (descriptor and context structs, split on the kernel base BTF)"),
  Command.withSubcommands([dump, exportCommand])
)
