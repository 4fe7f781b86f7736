/**
 * The compiled programs the questions run: the checked-in objects of packages/programs/bpf
 * (hw_metadata_kfunc.bpf.o, hw_metadata_raw.bpf.o; `sh packages/programs/bpf/build.sh` rebuilds
 * them) or objects a user names, loaded for one device as programs' objectProgramSource does:
 * CO-RE against the driver's BTF (the object loader, libbpf's semantics), kfuncs bound
 * dev-bound, and — for an object with a `cfg` variable (hw_metadata_raw's struct raw_cfg) — that
 * .rodata filled from the driver's configuration as a userspace loader would (rawObjectCfg).
 */
import type { DriverPackage } from "@devtx/core"
import { objectProgramSource, ObjectConfigError, rawObjectCfg, readObjectImage, samplePath } from "@devtx/programs"
import { Effect } from "effect"

export const SAMPLE_KFUNC_OBJECT = "hw_metadata_kfunc.bpf.o"
export const SAMPLE_RAW_OBJECT = "hw_metadata_raw.bpf.o"

/** The checked-in sample object's path. */
export const sampleObject = (file: string): string => samplePath(file)

/** Path as shown: the repository-relative one for the samples. */
export const objectLabel = (path: string): string => {
  const at = path.lastIndexOf("packages/programs/bpf/")
  return at >= 0 ? path.slice(at) : path
}

/** A HwMetadataProgramSource for the object at `path` on `driver` under the decoded `config`. */
export const compiledSource = <C>(path: string, driver: DriverPackage<C>, config: C) =>
  Effect.gen(function* () {
    const image = yield* readObjectImage(path, driver, config)
    const vars: Record<string, Uint8Array> = {}
    if (image.maps.some((m) => m.vars.some((v) => v.name === "cfg"))) {
      const c = rawObjectCfg(driver.name, config as Readonly<Record<string, unknown>>)
      if (typeof c === "string") return yield* Effect.fail(new ObjectConfigError({ file: image.file, reason: c }))
      vars.cfg = c
    }
    return objectProgramSource(image, { vars })
  })
