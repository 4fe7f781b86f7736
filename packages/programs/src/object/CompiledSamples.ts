/**
 * The compiled sample programs (packages/programs/bpf/*.bpf.o, built by build.sh) as programs
 * the hosts run: `objectProgramSource` loads an object for a device — CO-RE against the
 * device driver's BTF, .rodata set as a userspace loader would, the kfuncs bound in the chosen
 * mode — for runHwMetadata; `samplePath` finds the checked-in fixtures.
 */
import * as fs from "node:fs"
import { fileURLToPath } from "node:url"
import type { LoadObjectError, VmEngine, VmLoadError } from "@devtx/bpf"
import {
  loadObjectImage,
  type ObjectImage,
  ObjectMaps,
  programTargetBtf,
  type ObjectProgramNotFoundError,
  type ObjectRunStats,
  prepareObjectXdp,
  type UnknownKfuncError,
  UnsupportedMapError
} from "@devtx/bpf-xdp"
import type { DriverPackage, KernelMemoryUnavailableError, LoadedXdpProgram, NetDevice, ProgramLoadError, TaiClock } from "@devtx/core"
import { type BindingNotBuiltError, type KfuncBindingMode, loadBound } from "@devtx/kfuncs"
import { Data, Effect } from "effect"
import type { HwMetadataProgramSource } from "../host/HwMetadataHost.js"

/** Where the checked-in sample objects are (packages/programs/bpf). */
export const samplePath = (file: string): string => fileURLToPath(new URL(`../../bpf/${file}`, import.meta.url))

export class ObjectFileError extends Data.TaggedError("ObjectFileError")<{ readonly path: string; readonly reason: string }> {
  override get message(): string {
    return `${this.path}: ${this.reason}`
  }
}

export class ObjectConfigError extends Data.TaggedError("ObjectConfigError")<{ readonly file: string; readonly reason: string }> {
  override get message(): string {
    return `${this.file}: ${this.reason}`
  }
}

/** Read and open an object file for `driver` under `config` (CO-RE against its BTF). */
export const readObjectImage = <C>(
  path: string,
  driver: DriverPackage<C>,
  config: C
): Effect.Effect<ObjectImage, ObjectFileError | LoadObjectError> =>
  Effect.gen(function* () {
    const bytes = yield* Effect.try({
      try: () => new Uint8Array(fs.readFileSync(path)),
      catch: (e) => new ObjectFileError({ path, reason: e instanceof Error ? e.message : String(e) })
    })
    const btf = driver.btf?.(config)
    return yield* loadObjectImage(path.split("/").pop() ?? path, bytes, btf === undefined ? undefined : programTargetBtf(btf))
  })

export type ObjectLoadFailure =
  | ObjectProgramNotFoundError
  | UnknownKfuncError
  | KernelMemoryUnavailableError
  | VmLoadError
  | UnsupportedMapError
  | ObjectConfigError
  | ProgramLoadError
  | BindingNotBuiltError

export interface ObjectSourceOptions {
  readonly program?: string
  readonly binding?: KfuncBindingMode
  readonly engine?: VmEngine
  /** global variables to set before load (libbpf skeleton rodata), by name */
  readonly vars?: Readonly<Record<string, Uint8Array>>
}

/** The loaded program plus what the host reads back from it. */
export interface ObjectProgramHandle {
  maps: ObjectMaps | undefined
  stats: ObjectRunStats | undefined
}

/** A HwMetadataProgramSource running `image`'s XDP program (counters from pkts_skip / pkts_fail). */
export const objectProgramSource = (
  image: ObjectImage,
  options: ObjectSourceOptions = {},
  handle: ObjectProgramHandle = { maps: undefined, stats: undefined }
): HwMetadataProgramSource<ObjectLoadFailure> => ({
  load: (dev: NetDevice, clock: TaiClock): Effect.Effect<LoadedXdpProgram, ObjectLoadFailure> =>
    Effect.gen(function* () {
      const maps = ObjectMaps.create(image)
      if (maps instanceof UnsupportedMapError) return yield* Effect.fail(maps)
      for (const [name, bytes] of Object.entries(options.vars ?? {})) {
        const bad = maps.setVar(name, bytes)
        if (bad !== undefined) return yield* Effect.fail(new ObjectConfigError({ file: image.file, reason: bad }))
      }
      const prepared = prepareObjectXdp(image, maps, dev, options.program, options.engine === undefined ? {} : { engine: options.engine })
      if (!("spec" in prepared)) return yield* Effect.fail(prepared)
      handle.maps = maps
      handle.stats = prepared.stats
      return yield* loadBound(prepared.spec, dev, { mode: options.binding ?? "dev-bound", clock })
    }),
  counters: () => {
    const g = handle.maps?.globals() ?? {}
    return { skip: Number(g.pkts_skip ?? 0), fail: Number(g.pkts_fail ?? 0) }
  }
})
