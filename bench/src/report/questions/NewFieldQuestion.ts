/**
 * `devtx compare new-field` (John Fastabend: a vendor's new field): drivers-sim's layout v2 adds
 * `flow_mark` (sim_rx_desc_wb @28: the RSS indirection index the hash selected, hash &
 * (RSS_INDIR_SIZE - 1), 0 when not hashed; SimRxDescriptor.ts).
 *
 * Raw side, run: one program (programs' SimRawFlowMark.ts, flow_mark declared optional) loads on
 * v1 and v2 over the built-in corpus; per layout: does it load, is the field there
 * (FIELD_EXISTS), the per-packet rc counts, and the values against the truth (core's expected
 * hash & (RSS_INDIR_SIZE - 1) when the frame is hashed).
 *
 * Kfunc side, counted: the kfunc table (core METADATA_KFUNC_TABLE) has no flow-mark getter; what
 * one would take is measured as the footprint of the last getter mainline added, rx_vlan_tag
 * (Linux 6.8: a kfunc, a NETDEV_XDP_RX_METADATA bit, an xdp_metadata_ops member, every driver's
 * op and inline description), in the kfunc design's files of record — against the raw side's
 * footprint of flow_mark (the driver's BTF member, the program). The hardware writing the field is
 * the same in both designs and counted once, apart. Footprint rule: SourceFootprint.ts.
 */
import { builtinCorpus, decodeDriverConfig, errnoName, expectedHash, loadRawXdpProgram, METADATA_KFUNC_TABLE } from "@devtx/core"
import { driver as simDriver, RSS_INDIR_SIZE, type SimConfig } from "@devtx/drivers-sim"
import { FlowMarkLog, runHwMetadata, simRawFlowMark } from "@devtx/programs"
import { Effect } from "effect"
import { type AnswerSection, sectionHtml, sectionMarkdown } from "./QuestionTables.js"
import { COMPUTED_FOR_REPORT, isQuestionData, once, type ReportInput } from "./ReportInput.js"
import { COUNTING_METHOD, countFile, type FileCount, footprint, sum } from "./SourceFootprint.js"

export interface NewFieldLayoutRun {
  readonly layout: number
  readonly loads: boolean
  readonly loadError: string | null
  /** FIELD_EXISTS for flow_mark on this layout */
  readonly fieldExists: boolean
  /** byte offset the relocation resolved, -1 when absent */
  readonly byteOffset: number
  readonly packets: number
  /** per rc ("0", "-ENODATA", "-EOPNOTSUPP"): packets */
  readonly rc: Readonly<Record<string, number>>
  /** packets whose (rc, value) equals the truth */
  readonly truthOk: number
  readonly firstMiss: { readonly packet: number; readonly got: string; readonly truth: string } | null
}

export interface NewFieldData {
  readonly question: "new-field"
  readonly method: string
  readonly runs: ReadonlyArray<NewFieldLayoutRun>
  readonly kfuncGetterExists: boolean
  readonly kfuncTable: ReadonlyArray<string>
  /** footprint of the rx_vlan_tag getter, per file of the kfunc design */
  readonly kfuncFootprint: { readonly shared: ReadonlyArray<FileCount>; readonly perDriver: ReadonlyArray<{ readonly nic: string; readonly files: ReadonlyArray<FileCount> }> }
  /** the kfunc program's lines that name the getter (one program for every NIC) */
  readonly kfuncProgram: ReadonlyArray<FileCount>
  readonly rawFootprint: { readonly driver: ReadonlyArray<FileCount>; readonly program: ReadonlyArray<FileCount> }
  readonly hardware: ReadonlyArray<FileCount>
}

const VLAN_TAG = /vlan_tag|VlanTag|vlanTag|VLAN_TAG|vlan-tag/
const FLOW_MARK = /flow_mark|FLOW_MARK|flowMark/

const runLayout = (layout: 1 | 2) =>
  Effect.gen(function* () {
    const corpus = builtinCorpus()
    const frames = corpus.map((f) => f.bytes)
    const config = { layoutVersion: layout }
    const cfg: SimConfig = yield* decodeDriverConfig(simDriver, { ...simDriver.defaultConfig, ...config })
    const sem = simDriver.rxSemantics(cfg)
    const log = new FlowMarkLog(frames.length)
    const spec = simRawFlowMark(log)
    let resolution: Readonly<Record<string, string>> = {}
    const run = yield* Effect.exit(
      runHwMetadata({
        driver: simDriver,
        config,
        frames,
        program: {
          load: (dev, clock) =>
            Effect.tap(loadRawXdpProgram(spec, dev, simDriver.btf?.(cfg), clock), (p) =>
              Effect.sync(() => {
                resolution = p.resolution
              })
            ),
          // the flow-mark program keeps its own log, no skip/fail counters
          counters: () => ({ skip: 0, fail: 0 })
        }
      })
    )
    if (run._tag === "Failure") {
      const e = (run.cause.reasons[0] as { error?: { message?: string } } | undefined)?.error
      return { layout, loads: false, loadError: e?.message ?? "load failed", fieldExists: false, byteOffset: -1, packets: 0, rc: {}, truthOk: 0, firstMiss: null }
    }
    const at = resolution["sim_rx_desc_wb.flow_mark"] ?? "absent"
    const rc: Record<string, number> = {}
    let truthOk = 0
    let firstMiss: NewFieldLayoutRun["firstMiss"] = null
    const packets = run.value.packets
    for (let i = 0; i < log.count && i < packets.length; i++) {
      const r = log.rc[i]!
      const key = r === 0 ? "0" : `-${errnoName(-r)}`
      rc[key] = (rc[key] ?? 0) + 1
      const f = corpus[packets[i]!.index]!
      const h = expectedHash(f.truth, sem)
      const truth = layout === 1 ? "-EOPNOTSUPP" : h.rc === 0 ? `mark ${h.hash & (RSS_INDIR_SIZE - 1)}` : "-ENODATA"
      const got = r === 0 ? `mark ${log.marks[i]}` : key
      if (got === truth) truthOk++
      else if (firstMiss === null) firstMiss = { packet: packets[i]!.index, got, truth }
    }
    const out: NewFieldLayoutRun = {
      layout,
      loads: true,
      loadError: null,
      fieldExists: at !== "absent",
      byteOffset: at === "absent" ? -1 : Number(at.slice(1).split("/")[0]),
      packets: Math.min(log.count, packets.length),
      rc,
      truthOk,
      firstMiss
    }
    return out
  })

const driverFiles: ReadonlyArray<{ readonly nic: string; readonly pkg: string; readonly files: ReadonlyArray<string> }> = [
  { nic: "sim", pkg: "@devtx/drivers-sim", files: ["datapath/SimMetadataOps.ts", "datapath/SimInlineOps.ts"] },
  { nic: "mlx5", pkg: "@devtx/drivers-mlx", files: ["datapath/Mlx5XdpMetadataOps.ts", "datapath/Mlx5InlineOps.ts"] },
  { nic: "ice", pkg: "@devtx/drivers-ice", files: ["datapath/IceMetadataOps.ts", "datapath/IceInlineOps.ts"] }
]

export const computeNewField = () =>
  Effect.gen(function* () {
    const runs = [yield* runLayout(1), yield* runLayout(2)]
    const data: NewFieldData = {
      question: "new-field",
      method: `${COUNTING_METHOD} Footprint of a name: code lines matching it plus the blocks they open.`,
      runs,
      kfuncGetterExists: METADATA_KFUNC_TABLE.some((r) => /flow|mark/i.test(r.kfunc)),
      kfuncTable: METADATA_KFUNC_TABLE.map((r) => r.kfunc),
      kfuncFootprint: {
        shared: [
          footprint("@devtx/core", "metadata/MetadataTable.ts", VLAN_TAG),
          footprint("@devtx/core", "metadata/XdpMetadataOps.ts", VLAN_TAG),
          footprint("@devtx/core", "metadata/RxMetadataOut.ts", VLAN_TAG),
          footprint("@devtx/core", "kernel/NetdevFeatures.ts", VLAN_TAG),
          footprint("@devtx/kfuncs", "RxGetters.ts", VLAN_TAG),
          footprint("@devtx/kfuncs", "KfuncBinding.ts", VLAN_TAG),
          footprint("@devtx/kfuncs", "InlineCompiler.ts", VLAN_TAG)
        ],
        perDriver: driverFiles.map((d) => ({ nic: d.nic, files: d.files.map((f) => footprint(d.pkg, f, VLAN_TAG)) }))
      },
      kfuncProgram: [footprint("@devtx/programs", "hw-metadata/HwMetadataProgram.ts", VLAN_TAG)],
      rawFootprint: {
        driver: [footprint("@devtx/drivers-sim", "SimBtf.ts", FLOW_MARK)],
        program: [countFile("@devtx/programs", "raw/SimRawFlowMark.ts")]
      },
      hardware: [footprint("@devtx/drivers-sim", "datapath/SimHardwareModel.ts", FLOW_MARK), footprint("@devtx/drivers-sim", "datapath/SimRxDescriptor.ts", FLOW_MARK)]
    }
    return data
  })

const lines = (xs: ReadonlyArray<FileCount>): string => `${sum(xs).lines} (${xs.map((x) => `${x.file.replace(/^packages\//, "")} ${x.lines}`).join(", ")})`

export const newFieldSection = (d: NewFieldData): AnswerSection => ({
  title: "A vendor's new field: sim v2 flow_mark",
  notes: [
    d.method,
    `Raw: one program (packages/programs/src/raw/SimRawFlowMark.ts), flow_mark optional (bpf_core_field_exists). Kfunc: the table has ${d.kfuncTable.join(", ")} — ${d.kfuncGetterExists ? "a flow-mark getter exists" : "no flow-mark getter"}; what one takes is measured as the footprint of rx_vlan_tag, the last getter mainline added (6.8).`
  ],
  tables: [
    {
      caption: "The raw program on each layout",
      head: ["layout", "loads", "flow_mark", "rc per packet", "truth ok", "first miss"],
      rows: d.runs.map((r) => [
        `v${r.layout}`,
        r.loads ? "yes" : `no: ${r.loadError}`,
        r.fieldExists ? `present @${r.byteOffset}` : "absent (FIELD_EXISTS = 0)",
        Object.entries(r.rc)
          .map(([k, v]) => `${k}=${v}`)
          .join(" "),
        `${r.truthOk}/${r.packets}`,
        r.firstMiss === null ? "-" : `#${r.firstMiss.packet}: ${r.firstMiss.got}, truth ${r.firstMiss.truth}`
      ])
    },
    {
      caption: "What each design touches for one more field (lines)",
      head: ["design", "kernel, once", "kernel, per driver", "program"],
      rows: [
        [
          "kfunc (a new getter, as rx_vlan_tag)",
          lines(d.kfuncFootprint.shared),
          d.kfuncFootprint.perDriver.map((p) => `${p.nic}: ${lines(p.files)}`).join("; "),
          `${lines(d.kfuncProgram)}, once for every NIC`
        ],
        ["raw (flow_mark)", "0", `sim: ${lines(d.rawFootprint.driver)} (BTF member; pahole's in a kernel)`, `${lines(d.rawFootprint.program)}, per NIC that has the field`],
        ["both: the device writes it", "-", `sim: ${lines(d.hardware)}`, "-"]
      ]
    }
  ]
})

const forReport = once(() => {
  const s = newFieldSection(Effect.runSync(computeNewField()))
  return { ...s, notes: [...s.notes, COMPUTED_FOR_REPORT] }
})

export const renderNewFieldMarkdown = (input: ReportInput<NewFieldData>): string =>
  sectionMarkdown(isQuestionData(input, "new-field") ? newFieldSection(input) : forReport())
export const renderNewFieldHtml = (input: ReportInput<NewFieldData>): string => sectionHtml(isQuestionData(input, "new-field") ? newFieldSection(input) : forReport())
