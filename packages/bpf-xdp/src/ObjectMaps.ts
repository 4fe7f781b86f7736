/**
 * The maps of one loaded object, created once and shared by its programs: array stores (.data,
 * .bss, .rodata and SEC(".maps") arrays) and core's redirect maps (XSKMAP, DEVMAP, CPUMAP) — the
 * XSKMAP a host fills with its AF_XDP sockets, by map name, as a userspace loader would update
 * it. `addToVm` gives a VM the regions LD_IMM64 map pseudos point at. `globals` reads the
 * .data/.bss/.rodata variables by name (control plane), the way bpftool map dump shows them.
 * A map type no program type models is a load error naming the map and its type.
 */
import { Vm, VmRegionKind, type VmMapRegions } from "@devtx/bpf"
import { CpuMap, DevMap, u64ToDecimal, XskMap } from "@devtx/core"
import { Data } from "effect"
import { type ArrayMapRef, type ArrayMapStore, newArrayMapStore } from "./ArrayMapStore.js"
import { MapType, type ObjectImage, type ObjectMapDef } from "./ObjectImage.js"

export class UnsupportedMapError extends Data.TaggedError("UnsupportedMapError")<{
  readonly file: string
  readonly map: string
  readonly type: number
}> {
  override get message(): string {
    return `${this.file}: map ${this.map}: BPF map type ${this.type} is not modelled (ARRAY, PROG_ARRAY, DEVMAP, CPUMAP, XSKMAP are)`
  }
}

export type ObjectMapState =
  | { readonly kind: "array"; readonly def: ObjectMapDef; readonly store: ArrayMapStore }
  | { readonly kind: "redirect"; readonly def: ObjectMapDef; readonly map: XskMap | DevMap | CpuMap }
  | { readonly kind: "prog_array"; readonly def: ObjectMapDef; readonly slots: Array<string | undefined> }

export class ObjectMaps {
  private constructor(
    readonly image: ObjectImage,
    readonly maps: ReadonlyArray<ObjectMapState>
  ) {}

  /** Create the maps; `xsks` lends a host's XSKMAP to the object's XSKMAP of that name. */
  static create(image: ObjectImage, xsks: Readonly<Record<string, XskMap>> = {}): ObjectMaps | UnsupportedMapError {
    const out: ObjectMapState[] = []
    for (const def of image.maps) {
      if (def.type === MapType.ARRAY)
        out.push({ kind: "array", def, store: newArrayMapStore(def.name, def.maxEntries, def.valueSize, def.initial, def.frozen) })
      else if (def.type === MapType.XSKMAP) out.push({ kind: "redirect", def, map: xsks[def.name] ?? new XskMap(def.maxEntries) })
      else if (def.type === MapType.DEVMAP) out.push({ kind: "redirect", def, map: new DevMap(def.maxEntries) })
      else if (def.type === MapType.CPUMAP) out.push({ kind: "redirect", def, map: new CpuMap(def.maxEntries) })
      else if (def.type === MapType.PROG_ARRAY) out.push({ kind: "prog_array", def, slots: new Array(def.maxEntries).fill(undefined) })
      else return new UnsupportedMapError({ file: image.file, map: def.name, type: def.type })
    }
    return new ObjectMaps(image, out)
  }

  byName(name: string): ObjectMapState | undefined {
    return this.maps.find((m) => m.def.name === name || m.def.name.endsWith(`.${name}`))
  }

  /** Regions of every map in `vm`, by map index (LD_IMM64 imm). */
  addToVm(vm: Vm): ReadonlyArray<VmMapRegions> {
    const out: VmMapRegions[] = []
    for (const m of this.maps) {
      if (m.kind === "array") {
        const value = vm.addRegion({ name: m.def.name, kind: VmRegionKind.MapValue, bytes: m.store.bytes, writable: !m.store.readonly })
        const ref: ArrayMapRef = { kind: "array", store: m.store, valuePtrHi: Vm.ptrHi(value) }
        const handle = vm.addRegion({ name: `map ${m.def.name}`, kind: VmRegionKind.MapHandle, bytes: new Uint8Array(0), writable: false, map: ref })
        out.push({ handle, value })
      } else {
        const handle = vm.addRegion({
          name: `map ${m.def.name}`,
          kind: VmRegionKind.MapHandle,
          bytes: new Uint8Array(0),
          writable: false,
          map: m.kind === "redirect" ? m.map : m
        })
        out.push({ handle, value: -1 })
      }
    }
    return out
  }

  /** .data / .bss / .rodata variables by name: integers as numbers (u64 beyond 2^53 as decimal strings), others as hex bytes. */
  globals(): Record<string, number | string> {
    const out: Record<string, number | string> = {}
    for (const m of this.maps) {
      if (m.kind !== "array") continue
      const v = new DataView(m.store.bytes.buffer, m.store.bytes.byteOffset, m.store.bytes.byteLength)
      for (const x of m.def.vars) {
        if (x.offset + x.size > m.store.bytes.length) continue
        if (x.integer && (x.size === 1 || x.size === 2 || x.size === 4 || x.size === 8)) {
          if (x.size === 8) {
            const lo = v.getUint32(x.offset, true)
            const hi = v.getUint32(x.offset + 4, true)
            if (x.signed && hi >= 0x80000000) out[x.name] = -((0xffffffff - hi) * 4294967296 + (0x100000000 - lo))
            else out[x.name] = hi < 0x200000 ? hi * 4294967296 + lo : u64ToDecimal(hi, lo)
          } else {
            const u = x.size === 1 ? v.getUint8(x.offset) : x.size === 2 ? v.getUint16(x.offset, true) : v.getUint32(x.offset, true)
            const bits = x.size * 8
            out[x.name] = x.signed && u >= 2 ** (bits - 1) ? u - 2 ** bits : u
          }
        } else {
          out[x.name] = Array.from(m.store.bytes.subarray(x.offset, x.offset + x.size), (b) => b.toString(16).padStart(2, "0")).join("")
        }
      }
    }
    return out
  }
}
