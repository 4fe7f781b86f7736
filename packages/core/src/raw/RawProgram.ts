/**
 * Raw-design programs: an XDP program (reads the current RX descriptor through
 * XdpBuff.rawDesc/rawDescOff) or a devtx program (writes the TX descriptor at submit through
 * DevtxCtx.desc/descOff, reads the completion entry through compl/complOff), each declaring the
 * driver structs it touches. Loading relocates the declarations against the driver's BTF
 * (RawLoader.ts) and binds the program to that device: like a dev-bound kfunc program it cannot
 * be attached to another device ("Program bound to different device").
 */
import { Effect } from "effect"
import type { DevtxPoint, DevtxProgramFn } from "../devtx/DevtxContext.js"
import type { LoadedDevtxProgram } from "../program/DevtxLoader.js"
import type { DriverBtf } from "../driver/DriverBtf.js"
import type { NetDevice } from "../driver/NetDevice.js"
import type { XdpProgramFn } from "../hook/XdpHook.js"
import type { LoadedXdpProgram } from "../program/ProgramLoader.js"
import { SimulatedTaiClock, type TaiClock } from "../clock/TaiClock.js"
import type { RawStructDecl } from "./RawDecl.js"
import { type RawFieldTable, type RawLoadError, relocateRawProgram } from "./RawLoader.js"

export interface RawEnv {
  readonly fields: RawFieldTable
  readonly clock: TaiClock
}

export interface RawXdpProgramSpec {
  readonly name: string
  readonly structs: ReadonlyArray<RawStructDecl>
  readonly instantiate: (env: RawEnv) => XdpProgramFn
}

export interface RawDevtxProgramSpec {
  readonly name: string
  readonly point: DevtxPoint
  readonly structs: ReadonlyArray<RawStructDecl>
  readonly instantiate: (env: RawEnv) => DevtxProgramFn
}

export const loadRawXdpProgram = (
  spec: RawXdpProgramSpec,
  device: NetDevice,
  btf: DriverBtf | undefined,
  clock: TaiClock = new SimulatedTaiClock(0, 0, 1000)
): Effect.Effect<LoadedXdpProgram, RawLoadError> =>
  Effect.map(relocateRawProgram({ program: spec.name, structs: spec.structs, target: btf, driver: device.driver }), (fields) => ({
    name: spec.name,
    spec: { name: spec.name, kfuncs: [], instantiate: () => spec.instantiate({ fields, clock }) },
    run: spec.instantiate({ fields, clock }),
    boundIfindex: device.ifindex,
    resolution: Object.fromEntries(
      Object.entries(fields).flatMap(([s, f]) =>
        Object.entries(f).map(([n, a]) => [`${s}.${n}`, a.exists ? `+${a.byteOffset}/${a.byteSize}` : "absent"])
      )
    )
  }))

export const loadRawDevtxProgram = (
  spec: RawDevtxProgramSpec,
  device: NetDevice,
  btf: DriverBtf | undefined
): Effect.Effect<LoadedDevtxProgram, RawLoadError> =>
  Effect.map(relocateRawProgram({ program: spec.name, structs: spec.structs, target: btf, driver: device.driver }), (fields) => ({
    name: spec.name,
    point: spec.point,
    boundIfindex: device.ifindex,
    run: spec.instantiate({ fields, clock: new SimulatedTaiClock(0, 0, 1000) }),
    resolution: {}
  }))
