/**
 * The adapter from a loaded object's XDP program (SEC("xdp") / SEC("xdp.frags")) to core's
 * XdpProgramSpec, so every existing host — hw-metadata, ping-pong, the conformance and bench
 * suites — runs a clang-compiled object unchanged, with the kfunc binding modes of
 * @devtx/kfuncs (generic / dev-bound / inlined: the binder fills ProgramEnv.kfuncs and the VM's
 * kfunc calls go through them).
 *
 * `prepareObjectXdp` checks at load, with typed errors: the program exists; every kfunc it calls
 * is one devtx provides (RX metadata kfuncs, bpf_cast_to_kern_ctx, bpf_rdonly_cast — otherwise
 * UnknownKfuncError naming it); a program that reaches kernel memory is bound to a device that
 * exposes it (KernelMemoryUnavailableError); the VM accepts the image (VmLoadError). The spec's
 * `instantiate` then builds the program's VM for the device the loader bound it to: regions
 * for the packet, the xdp_md ctx, the object's maps and the device's kernel memory; helpers
 * (XdpHelpers.ts); the chosen engine (JIT or interpreter).
 *
 * Per packet the returned function re-points the packet region, runs the program and returns
 * r0's low half as the verdict. A fault (an access outside its region, the instruction budget,
 * a helper's refusal) returns XDP_ABORTED and is recorded in ObjectRunStats (count, first
 * fault as a VmRunError) for the host to report; nothing is thrown.
 */
import {
  findByName,
  BtfKind,
  loadVmProgramSync,
  Vm,
  type VmCallFn,
  type VmEngine,
  VmLoadError,
  type VmLoadedProgram,
  VmRegionKind,
  type VmRunError,
  vmRunError
} from "@devtx/bpf"
import {
  DevMap,
  type DeviceKernelMemory,
  isMetadataKfunc,
  KernelMemoryUnavailableError,
  metadataKfuncByName,
  type NetDevice,
  type ProgramEnv,
  type RxKfuncs,
  SimulatedTaiClock,
  XdpAction,
  type XdpBuff,
  type XdpProgramSpec
} from "@devtx/core"
import { Data } from "effect"
import { castToKernCtx, type KernCtxTypes, makeRdonlyCast } from "./KernCtxKfuncs.js"
import type { ObjectImage, ObjectProgramImage } from "./ObjectImage.js"
import type { ObjectMaps } from "./ObjectMaps.js"
import { RX_KFUNC_CALLS } from "./RxKfuncCalls.js"
import { TraceBuffer } from "./TraceBuffer.js"
import { xdpHelperNames, xdpHelpers } from "./XdpHelpers.js"
import { XdpMd, xdpMdLoad } from "./XdpMdCtx.js"
import { bindPacket, XdpRunState } from "./XdpRunState.js"

export const XDP_SECTIONS: ReadonlyArray<string> = ["xdp", "xdp.frags"]
export const KERN_CTX_KFUNCS: ReadonlyArray<string> = ["bpf_cast_to_kern_ctx", "bpf_rdonly_cast"]

export class ObjectProgramNotFoundError extends Data.TaggedError("ObjectProgramNotFoundError")<{
  readonly file: string
  readonly wanted: string
  readonly available: ReadonlyArray<string>
}> {
  override get message(): string {
    return `${this.file}: no ${this.wanted} (programs: ${this.available.join(", ") || "none"})`
  }
}

export class UnknownKfuncError extends Data.TaggedError("UnknownKfuncError")<{
  readonly file: string
  readonly program: string
  readonly section: string
  readonly kfunc: string
}> {
  override get message(): string {
    return `${this.file}: program ${this.program} (SEC("${this.section}")) calls kfunc ${this.kfunc}, which devtx does not provide to this program type`
  }
}

/** What a host reads after (or during) a run: faults, instruction counts, the trace pipe. */
export class ObjectRunStats {
  faults = 0
  firstFault: VmRunError | undefined = undefined
  /** the VM program of the last instantiation (its counters: insns, helper and kfunc calls) */
  program: VmLoadedProgram | undefined = undefined
  constructor(
    readonly trace: TraceBuffer,
    readonly kfuncNames: ReadonlyArray<string>,
    readonly helperNames: ReadonlyArray<string | undefined>
  ) {}
}

export interface ObjectXdpOptions {
  readonly engine?: VmEngine
  /** instructions per packet before a Budget fault */
  readonly insnBudget?: number
  /** bpf_redirect's ifindex table (default: the bound device alone) */
  readonly devices?: ReadonlyArray<NetDevice>
  /** trace buffer bytes (default 64 KiB) */
  readonly traceBytes?: number
}

export interface PreparedObjectXdp {
  readonly spec: XdpProgramSpec
  readonly program: ObjectProgramImage
  readonly stats: ObjectRunStats
}

/** Pick an XDP program: by name, or the first in an XDP section. */
export const pickProgram = (
  image: ObjectImage,
  sections: ReadonlyArray<string>,
  name: string | undefined
): ObjectProgramImage | ObjectProgramNotFoundError => {
  const p = image.programs.find((x) => (name === undefined || x.name === name) && sections.includes(x.section))
  return (
    p ??
    new ObjectProgramNotFoundError({
      file: image.file,
      wanted: name === undefined ? `program in SEC(${sections.map((s) => `"${s}"`).join(" / ")})` : `program ${name} in SEC(${sections.map((s) => `"${s}"`).join(" / ")})`,
      available: image.programs.map((x) => `${x.name} (SEC("${x.section}"))`)
    })
  )
}

const kernCtxTypes = (km: DeviceKernelMemory): KernCtxTypes => {
  const split = km.btf.split
  const isComposite = new Uint8Array(split.typeCount)
  for (let id = 1; id < split.typeCount; id++) {
    const t = split.typeById(id)
    if (t !== undefined && (t.kind === BtfKind.Struct || t.kind === BtfKind.Union)) isComposite[id] = 1
  }
  return {
    isComposite,
    wrapperId: findByName(split, km.wrapperType, BtfKind.Struct) ?? -1,
    xdpBuffId: findByName(split, "xdp_buff", BtfKind.Struct) ?? -1
  }
}

interface BuiltXdpVm {
  readonly vm: Vm
  readonly st: XdpRunState
  readonly prog: VmLoadedProgram
  readonly ctxHi: number
}

const unbound: RxKfuncs = {
  rxTimestamp: () => -95,
  rxHash: () => -95,
  rxVlanTag: () => -95,
  rxChecksum: () => -95
}

const buildXdpVm = (
  program: ObjectProgramImage,
  maps: ObjectMaps,
  device: NetDevice | undefined,
  env: ProgramEnv | undefined,
  stats: ObjectRunStats,
  options: ObjectXdpOptions
): BuiltXdpVm | VmLoadError => {
  const vm = new Vm(options.insnBudget === undefined ? {} : { insnBudget: options.insnBudget })
  const packet = vm.addRegion({ name: "packet", kind: VmRegionKind.Packet, bytes: new Uint8Array(0), writable: true })
  const ctx = vm.addRegion({ name: "ctx (struct xdp_md)", kind: VmRegionKind.Ctx, bytes: new Uint8Array(XdpMd.SIZE), writable: false })
  const mapRegions = maps.addToVm(vm)
  const usesKern = program.kfuncs.some((k) => KERN_CTX_KFUNCS.includes(k))
  const km = usesKern ? device?.kernelMemory : undefined
  if (km !== undefined) {
    for (let i = 0; i < km.regions.length; i++) {
      const r = km.regions[i]!
      const idx = vm.addRegion({ name: `kernel ${r.name}`, kind: VmRegionKind.Kernel, bytes: r.bytes, writable: false, faultReadsZero: true })
      km.ptrHi[i] = Vm.ptrHi(idx)
    }
  }
  const devs = options.devices ?? (device !== undefined ? [device] : [])
  const devMap = new DevMap(Math.max(1, ...devs.map((d) => d.ifindex + 1)))
  for (const d of devs) devMap.entries[d.ifindex] = d
  const st = new XdpRunState(
    vm,
    packet,
    ctx,
    env?.kfuncs ?? unbound,
    env?.clock ?? new SimulatedTaiClock(0, 0, 1000),
    new SimulatedTaiClock(0, 0, 1000),
    stats.trace,
    devMap,
    km
  )
  vm.runState = st
  const kfuncs: VmCallFn[] = []
  for (const k of program.kfuncs) {
    const rx = RX_KFUNC_CALLS[k]
    if (rx !== undefined) kfuncs.push(rx)
    else if (k === "bpf_cast_to_kern_ctx") kfuncs.push(castToKernCtx)
    else if (k === "bpf_rdonly_cast" && km !== undefined) kfuncs.push(makeRdonlyCast(kernCtxTypes(km)))
    else return new VmLoadError({ program: program.name, insn: -1, reason: `kfunc ${k} has no implementation for SEC("${program.section}")` })
  }
  const loaded = loadVmProgramSync(
    vm,
    {
      name: program.name,
      insns: program.insns,
      helpers: xdpHelpers(vm),
      helperNames: stats.helperNames,
      kfuncs,
      kfuncNames: program.kfuncs,
      maps: mapRegions,
      ctxLoad: xdpMdLoad
    },
    options.engine === undefined ? {} : { engine: options.engine }
  )
  if (loaded instanceof VmLoadError) return loaded
  return { vm, st, prog: loaded, ctxHi: Vm.ptrHi(ctx) }
}

/**
 * Check an object's XDP program for `device` and make its XdpProgramSpec (load it with
 * @devtx/kfuncs' loadBound for a binding mode, or core's loadXdpProgram).
 */
export const prepareObjectXdp = (
  image: ObjectImage,
  maps: ObjectMaps,
  device: NetDevice,
  name: string | undefined,
  options: ObjectXdpOptions = {}
): PreparedObjectXdp | ObjectProgramNotFoundError | UnknownKfuncError | KernelMemoryUnavailableError | VmLoadError => {
  const program = pickProgram(image, XDP_SECTIONS, name)
  if (program instanceof ObjectProgramNotFoundError) return program
  for (const k of program.kfuncs)
    if (!isMetadataKfunc(k) && !KERN_CTX_KFUNCS.includes(k))
      return new UnknownKfuncError({ file: image.file, program: program.name, section: program.section, kfunc: k })
  if (program.kfuncs.some((k) => KERN_CTX_KFUNCS.includes(k)) && device.kernelMemory === undefined)
    return new KernelMemoryUnavailableError({ driver: device.driver })
  const stats = new ObjectRunStats(new TraceBuffer(options.traceBytes ?? 65536), program.kfuncs, xdpHelperNames())
  const dry = buildXdpVm(program, maps, device, undefined, stats, options)
  if (dry instanceof VmLoadError) return dry
  const rxKfuncs = program.kfuncs.filter(isMetadataKfunc).map((k) => metadataKfuncByName(k)!.kfunc)
  const spec: XdpProgramSpec = {
    name: program.name,
    kfuncs: rxKfuncs,
    instantiate: (env) => {
      const built = buildXdpVm(program, maps, env.device ?? device, env, stats, options)
      // the dry build above succeeded on the same image and options: a failure here is a bug
      if (built instanceof VmLoadError) throw new Error(`${program.name}: VM build failed after a successful check: ${built.message}`)
      const { vm, st, prog, ctxHi } = built
      stats.program = prog
      return (xdp: XdpBuff): number => {
        bindPacket(st, xdp)
        const rc = prog.run(ctxHi, 0)
        st.xdp = undefined
        if (rc < 0) {
          stats.faults++
          if (stats.firstFault === undefined) stats.firstFault = vmRunError(vm)
          return XdpAction.ABORTED
        }
        return vm.resultLo
      }
    }
  }
  return { spec, program, stats }
}
