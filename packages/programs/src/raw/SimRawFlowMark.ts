/**
 * A vendor's new field, read the raw way (issue 16, John Fastabend's case): drivers-sim's layout
 * v2 adds `flow_mark` to struct sim_rx_desc_wb (@28, the RSS indirection entry the hash selected,
 * 0 when not hashed); layout v1 has no such field. One program, compiled once, for both: the field
 * is declared optional (bpf_core_field_exists), so on v1 the relocation makes the guarded branch
 * dead and the program reports the field absent instead of failing to load.
 *
 *   rc per packet:  0            flow_mark read (RSS_VALID set), value in `marks`
 *                   -ENODATA     the field exists but the frame was not hashed (RSS_VALID clear)
 *                   -EOPNOTSUPP  the target's layout has no flow_mark (FIELD_EXISTS = 0)
 *
 * FlowMarkLog is the program's output map (one slot per invocation, in order); the host reads it.
 * Per packet: no allocation, no exceptions.
 */
import { Errno, type RawXdpProgramSpec, XdpAction, type XdpBuff } from "@devtx/core"

export class FlowMarkLog {
  readonly rc: Int32Array
  readonly marks: Uint32Array
  count = 0
  constructor(readonly capacity: number) {
    this.rc = new Int32Array(capacity)
    this.marks = new Uint32Array(capacity)
  }
}

export const simRawFlowMark = (log: FlowMarkLog): RawXdpProgramSpec => ({
  name: "xdp_flow_mark_raw_sim",
  structs: [
    {
      name: "sim_rx_desc_wb___devtx",
      fields: [
        { name: "rss_valid", type: "u8", bits: 1 },
        { name: "flow_mark", type: "u32", optional: true }
      ]
    }
  ],
  instantiate: ({ fields }) => {
    const F = fields.sim_rx_desc_wb!
    const rssValid = F.rss_valid!.read
    const mark = F.flow_mark!
    const has = mark.exists
    const read = mark.read
    return (ctx: XdpBuff): number => {
      const i = log.count
      if (i >= log.capacity) return XdpAction.PASS
      log.count = i + 1
      const d = ctx.rawDesc
      const o = ctx.rawDescOff
      if (!has) {
        log.rc[i] = -Errno.EOPNOTSUPP
        log.marks[i] = 0
      } else if (rssValid(d, o) === 0) {
        log.rc[i] = -Errno.ENODATA
        log.marks[i] = 0
      } else {
        log.rc[i] = 0
        log.marks[i] = read(d, o)
      }
      return XdpAction.PASS
    }
  }
})
