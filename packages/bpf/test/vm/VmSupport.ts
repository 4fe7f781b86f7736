/**
 * Test support for the VM: load a hand-assembled program into a fresh VM on both engines, with
 * a writable packet region and a read-only map value region, and run it.
 */
import {
  assemble,
  type AsmInsn,
  loadVmProgramSync,
  Vm,
  VmLoadError,
  type VmLoadedProgram,
  type VmProgramSpec,
  VmRegionKind
} from "@devtx/bpf"

export interface Rig {
  readonly vm: Vm
  readonly packet: Uint8Array
  readonly packetRegion: number
  readonly rodata: Uint8Array
  readonly rodataRegion: number
  readonly data: Uint8Array
  readonly dataRegion: number
}

export const newRig = (budget?: number): Rig => {
  const vm = new Vm(budget === undefined ? {} : { insnBudget: budget })
  const packet = new Uint8Array(64)
  for (let i = 0; i < packet.length; i++) packet[i] = (i * 7 + 3) & 0xff
  const packetRegion = vm.addRegion({ name: "packet", kind: VmRegionKind.Packet, bytes: packet, lo: 0, hi: 60, writable: true })
  const rodata = new Uint8Array(16).fill(0x5a)
  const rodataRegion = vm.addRegion({ name: "rodata", kind: VmRegionKind.MapValue, bytes: rodata, writable: false })
  const data = new Uint8Array(32)
  const dataRegion = vm.addRegion({ name: "data", kind: VmRegionKind.MapValue, bytes: data, writable: true })
  return { vm, packet, packetRegion, rodata, rodataRegion, data, dataRegion }
}

export const load = (
  rig: Rig,
  insns: ReadonlyArray<AsmInsn | ReadonlyArray<AsmInsn>>,
  engine: "jit" | "interpreter",
  extra: Partial<VmProgramSpec> = {}
): VmLoadedProgram => {
  const spec: VmProgramSpec = {
    name: "test_prog",
    insns: assemble(insns),
    helpers: [],
    kfuncs: [],
    maps: [
      { handle: rig.rodataRegion, value: rig.rodataRegion },
      { handle: rig.dataRegion, value: rig.dataRegion }
    ],
    ...extra
  }
  const p = loadVmProgramSync(rig.vm, spec, { engine, exposeRegisters: true })
  if (p instanceof VmLoadError) throw new Error(p.message)
  return p
}

export const ENGINES = ["interpreter", "jit"] as const
