/**
 * The adapter from a loaded object's devtx hook program (SEC("devtx/xdp/submit"),
 * "devtx/xdp/complete", "devtx/skb/submit", "devtx/skb/complete") to core's DevtxProgramSpec,
 * so the drivers' devtx call sites run it, with the devtx kfuncs bound by @devtx/kfuncs'
 * loadBoundDevtx (generic / dev-bound / inlined). The section names the hook point; the loader
 * then applies the RFC's rules (a completion kfunc in a submit program is -EACCES, ...).
 * Load checks: the program exists, every kfunc it calls is a devtx kfunc (UnknownKfuncError),
 * the VM accepts the image. Per call: re-point the regions (DevtxProgramCtx.ts), run; a fault
 * is counted in ObjectRunStats (devtx hooks return nothing, so nothing else changes).
 */
import { loadVmProgramSync, Vm, type VmCallFn, type VmEngine, VmLoadError, type VmLoadedProgram, VmRegionKind, vmRunError } from "@devtx/bpf"
import { type DevtxCtx, type DevtxKfuncs, devtxKfuncByName, DevtxPoint, type DevtxProgramSpec, Errno } from "@devtx/core"
import { bindDevtx, DEVTX_KFUNC_CALLS, DevtxCtxOff, devtxCtxLoad, DevtxRunState } from "./DevtxProgramCtx.js"
import type { ObjectImage, ObjectProgramImage } from "./ObjectImage.js"
import type { ObjectMaps } from "./ObjectMaps.js"
import { ObjectProgramNotFoundError, ObjectRunStats, pickProgram, UnknownKfuncError } from "./ObjectXdpProgram.js"
import { TraceBuffer } from "./TraceBuffer.js"
import { xdpHelperNames, xdpHelpers } from "./XdpHelpers.js"

export const DEVTX_SECTIONS: Readonly<Record<string, DevtxPoint>> = {
  "devtx/xdp/submit": DevtxPoint.SUBMIT_XDP,
  "devtx/xdp/complete": DevtxPoint.COMPLETE_XDP,
  "devtx/skb/submit": DevtxPoint.SUBMIT_SKB,
  "devtx/skb/complete": DevtxPoint.COMPLETE_SKB
}

export interface PreparedObjectDevtx {
  readonly spec: DevtxProgramSpec
  readonly program: ObjectProgramImage
  readonly stats: ObjectRunStats
}

const eopnotsupp = (): number => -Errno.EOPNOTSUPP
const unbound: DevtxKfuncs = { requestTxTimestamp: eopnotsupp, txTimestamp: eopnotsupp, requestL4Checksum: eopnotsupp, requestLaunchTime: eopnotsupp }

const buildDevtxVm = (
  program: ObjectProgramImage,
  maps: ObjectMaps,
  kfuncs: DevtxKfuncs,
  stats: ObjectRunStats,
  engine: VmEngine | undefined
): { vm: Vm; st: DevtxRunState; prog: VmLoadedProgram; ctxHi: number } | VmLoadError => {
  const vm = new Vm()
  const packet = vm.addRegion({ name: "frame", kind: VmRegionKind.Packet, bytes: new Uint8Array(0), writable: false })
  const desc = vm.addRegion({ name: "tx descriptor", kind: VmRegionKind.Kernel, bytes: new Uint8Array(0), writable: true })
  const compl = vm.addRegion({ name: "tx completion", kind: VmRegionKind.Kernel, bytes: new Uint8Array(0), writable: false })
  const ctx = vm.addRegion({ name: "ctx (struct devtx_ctx)", kind: VmRegionKind.Ctx, bytes: new Uint8Array(DevtxCtxOff.SIZE), writable: false })
  const mapRegions = maps.addToVm(vm)
  const st = new DevtxRunState(vm, packet, desc, compl, ctx, kfuncs)
  vm.runState = st
  const calls: VmCallFn[] = []
  for (const k of program.kfuncs) {
    const c = DEVTX_KFUNC_CALLS[k]
    if (c === undefined) return new VmLoadError({ program: program.name, insn: -1, reason: `kfunc ${k} has no implementation for SEC("${program.section}")` })
    calls.push(c)
  }
  const loaded = loadVmProgramSync(
    vm,
    {
      name: program.name,
      insns: program.insns,
      helpers: xdpHelpers(vm),
      helperNames: stats.helperNames,
      kfuncs: calls,
      kfuncNames: program.kfuncs,
      maps: mapRegions,
      ctxLoad: devtxCtxLoad
    },
    engine === undefined ? {} : { engine }
  )
  if (loaded instanceof VmLoadError) return loaded
  return { vm, st, prog: loaded, ctxHi: Vm.ptrHi(ctx) }
}

/** Check an object's devtx program in `section` and make its DevtxProgramSpec (load it with loadBoundDevtx). */
export const prepareObjectDevtx = (
  image: ObjectImage,
  maps: ObjectMaps,
  section: string,
  name: string | undefined,
  options: { readonly engine?: VmEngine } = {}
): PreparedObjectDevtx | ObjectProgramNotFoundError | UnknownKfuncError | VmLoadError => {
  const program = pickProgram(image, [section], name)
  if (program instanceof ObjectProgramNotFoundError) return program
  const point = DEVTX_SECTIONS[section]
  if (point === undefined)
    return new ObjectProgramNotFoundError({ file: image.file, wanted: `devtx section ${section}`, available: Object.keys(DEVTX_SECTIONS) })
  for (const k of program.kfuncs)
    if (devtxKfuncByName(k) === undefined) return new UnknownKfuncError({ file: image.file, program: program.name, section, kfunc: k })
  const stats = new ObjectRunStats(new TraceBuffer(65536), program.kfuncs, xdpHelperNames())
  const dry = buildDevtxVm(program, maps, unbound, stats, options.engine)
  if (dry instanceof VmLoadError) return dry
  const spec: DevtxProgramSpec = {
    name: program.name,
    point,
    kfuncs: program.kfuncs,
    instantiate: ({ kfuncs }) => {
      const built = buildDevtxVm(program, maps, kfuncs, stats, options.engine)
      if (built instanceof VmLoadError) throw new Error(`${program.name}: VM build failed after a successful check: ${built.message}`)
      const { vm, st, prog, ctxHi } = built
      stats.program = prog
      return (ctx: DevtxCtx): void => {
        bindDevtx(st, ctx)
        const rc = prog.run(ctxHi, 0)
        st.ctx = undefined
        if (rc < 0) {
          stats.faults++
          if (stats.firstFault === undefined) stats.firstFault = vmRunError(vm)
        }
      }
    }
  }
  return { spec, program, stats }
}
