/**
 * An XDP program as devtx loads it: a name, the kfuncs it calls (its BTF kfunc references, as the
 * verifier sees them), and a factory that receives the resolved kfuncs and returns the per-packet
 * function. Resolution happens once at load (see ProgramLoader.ts), so the per-packet function
 * holds direct references to the driver's functions — the devtx equivalent of the verifier
 * rewriting each kfunc call to the driver's xmo_* address.
 */
import type { NetDevice } from "../driver/NetDevice.js"
import type { XdpProgramFn } from "../hook/XdpHook.js"
import type { XdpBuff } from "../memory/XdpBuff.js"
import type { MetadataGetterName } from "../metadata/MetadataTable.js"
import type { TaiClock } from "./TaiClock.js"
import type { RxChecksumOut, RxHashOut, RxTimestampOut, RxVlanTagOut } from "../metadata/RxMetadataOut.js"

/** The RX metadata kfuncs a program receives, each already bound. */
export interface RxKfuncs {
  readonly rxTimestamp: (ctx: XdpBuff, out: RxTimestampOut) => number
  readonly rxHash: (ctx: XdpBuff, out: RxHashOut) => number
  readonly rxVlanTag: (ctx: XdpBuff, out: RxVlanTagOut) => number
  readonly rxChecksum: (ctx: XdpBuff, out: RxChecksumOut) => number
}

export interface ProgramEnv {
  readonly kfuncs: RxKfuncs
  /** bpf_ktime_get_tai_ns */
  readonly clock: TaiClock
  /** ifindex the program is bound to (0 when not device-bound) */
  readonly boundIfindex: number
  /** the device a device-bound program was bound to (its kernel memory, its BTF's owner) */
  readonly device?: NetDevice
}

export interface XdpProgramSpec {
  readonly name: string
  /** kfuncs the program calls, by kernel symbol (bpf_xdp_metadata_rx_hash) or devtx getter name (rxHash) */
  readonly kfuncs: ReadonlyArray<MetadataGetterName | string>
  readonly instantiate: (env: ProgramEnv) => XdpProgramFn
}
