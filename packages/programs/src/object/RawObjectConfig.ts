/**
 * The .rodata `cfg` of hw_metadata_raw.bpf.c (struct raw_cfg) from a driver's configuration:
 * what a userspace loader writes into the skeleton's rodata before load — the same values the
 * TypeScript raw programs take as their .rodata (Mlx5RawRodata, IceRawRodata). The sim needs
 * none (every fact is in its descriptor); a driver without a raw path gets the defaults.
 *
 *   struct raw_cfg (56 bytes, little-endian)
 *    0 | mlx5_rxhash | mlx5_rx_filter_all | mlx5_rxcsum | mlx5_real_time | ice_rxcsum | ice_gcs | pad u16 |
 *    8 | nsec u64 | 16 cycles u64 | 24 frac u64 | 32 mask u64 | 40 overflow_cycles u64 |
 *   48 | mult u32 | 52 shift u32 |
 */
import { iceRawRodataFromConfig } from "../raw/IceRawHwMetadata.js"
import { mlx5RawRodataFromConfig } from "../raw/Mlx5RawHwMetadata.js"

export const RAW_CFG_SIZE = 56

/** cfg bytes for `driver` under `config`, or a reason string when the configuration is not the driver's. */
export const rawObjectCfg = (driver: string, config: Readonly<Record<string, unknown>>): Uint8Array | string => {
  const b = new Uint8Array(RAW_CFG_SIZE)
  const v = new DataView(b.buffer)
  // the program's defaults (hw_metadata_raw.bpf.c)
  b.set([1, 1, 1, 1, 1, 0], 0)
  if (driver === "mlx5") {
    const r = mlx5RawRodataFromConfig(config)
    if (typeof r === "string") return r
    b[0] = r.rxhash ? 1 : 0
    b[1] = r.rxFilterAll ? 1 : 0
    b[2] = r.rxcsum ? 1 : 0
    b[3] = r.realTime ? 1 : 0
    const c = r.clock
    v.setUint32(8, c.nsecLo, true)
    v.setUint32(12, c.nsecHi, true)
    v.setUint32(16, c.cyclesLo, true)
    v.setUint32(20, c.cyclesHi, true)
    v.setUint32(24, c.frac, true)
    v.setUint32(32, c.maskLo, true)
    v.setUint32(36, c.maskHi, true)
    v.setUint32(40, c.overflowCyclesLo, true)
    v.setUint32(44, c.overflowCyclesHi, true)
    v.setUint32(48, c.mult, true)
    v.setUint32(52, c.shift, true)
  } else if (driver === "ice") {
    const r = iceRawRodataFromConfig(config)
    if (typeof r === "string") return r
    b[4] = r.rxcsum ? 1 : 0
    b[5] = r.gcs ? 1 : 0
  }
  return b
}

/**
 * The variables a host sets in a compiled sample before load: hw_metadata_raw.bpf.o's `cfg`
 * (a .rodata struct raw_cfg of RAW_CFG_SIZE bytes) from the driver's configuration, as its
 * userspace loader would; nothing for an object without it.
 */
export const sampleVarsFor = (
  image: { readonly maps: ReadonlyArray<{ readonly frozen: boolean; readonly vars: ReadonlyArray<{ readonly name: string; readonly size: number }> }> },
  driver: string,
  config: Readonly<Record<string, unknown>>
): Record<string, Uint8Array> | string => {
  const has = image.maps.some((m) => m.frozen && m.vars.some((v) => v.name === "cfg" && v.size === RAW_CFG_SIZE))
  if (!has) return {}
  const cfg = rawObjectCfg(driver, config)
  return typeof cfg === "string" ? cfg : { cfg }
}
