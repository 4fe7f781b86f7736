/**
 * `devtx compare new-field` (John Fastabend: a vendor's new field): drivers-sim's layout v2 adds
 * `flow_mark` (sim_rx_desc_wb @28: the RSS indirection index the hash selected, hash &
 * (RSS_INDIR_SIZE - 1), 0 when not hashed; SimRxDescriptor.ts).
 *
 * Raw side, run: one program — programs' SimRawFlowMark.ts (flow_mark declared optional) and its
 * compiled form packages/programs/bpf/flow_mark_raw.bpf.o (bpf_core_field_exists; on the VM,
 * CO-RE by the object loader) — loads on v1 and v2 over the built-in corpus; per layout: does it load, is the field there
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
import { existsSync } from "node:fs"
import {
  builtinCorpus,
  decodeDriverConfig,
  errnoName,
  expectedHash,
  loadRawXdpProgram,
  METADATA_KFUNC_TABLE,
  type NetDevice,
  type RawLoadError,
  type TaiClock
} from "@devtx/core"
import { driver as simDriver } from "@devtx/drivers-sim/internals"
import { RSS_INDIR_SIZE, type SimConfig } from "@devtx/drivers-sim/internals"
import {
  FlowMarkLog,
  type HwMetadataProgramSource,
  type ObjectProgramHandle,
  objectProgramSource,
  readObjectImage,
  runHwMetadata,
  samplePath,
  simRawFlowMark
} from "@devtx/programs"
import { join } from "node:path"
import { Effect } from "effect"
import { type AnswerSection, sectionHtml, sectionMarkdown } from "./QuestionTables.js"
import { COMPUTED_FOR_REPORT, isQuestionData, once, type ReportInput } from "./ReportInput.js"
import { bpfSourceDir, cProgramsPresent } from "./CProgramSources.js"
import { COUNTING_METHOD, countFile, countPath, type FileCount, footprint, footprintOfFile, sum } from "./SourceFootprint.js"

export interface NewFieldLayoutRun {
  /** the program of record that ran: the TS program or the compiled object */
  readonly program: string
  readonly layout: number
  readonly loads: boolean
  readonly loadError: string | null
  /** FIELD_EXISTS for flow_mark on this layout */
  readonly fieldExists: boolean
  /** byte offset the relocation resolved (TS loader), null when absent or not reported (the object) */
  readonly byteOffset: number | null
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
  /** the kfunc program's lines that name the getter (one program for every NIC): the C object's source (lines naming vlan) and the TS program */
  readonly kfuncProgram: ReadonlyArray<FileCount>
  readonly rawFootprint: { readonly driver: ReadonlyArray<FileCount>; readonly program: ReadonlyArray<FileCount> }
  readonly hardware: ReadonlyArray<FileCount>
}

const VLAN_TAG = /vlan_tag|VlanTag|vlanTag|VLAN_TAG|vlan-tag/
const FLOW_MARK = /flow_mark|FLOW_MARK|flowMark/

/** The run's per-packet output, whichever program produced it. */
interface FlowMarkOutput {
  readonly count: number
  readonly rc: ArrayLike<number>
  readonly marks: ArrayLike<number>
}

const TS_PROGRAM = "packages/programs/src/raw/SimRawFlowMark.ts"
export const FLOW_MARK_OBJECT = "flow_mark_raw.bpf.o"

/** little-endian words of a .bss array as globals() prints it (hex bytes) */
const words = (hex: string | number | undefined, signed: boolean): number[] => {
  const s = typeof hex === "string" ? hex : ""
  const out: number[] = []
  for (let i = 0; i + 8 <= s.length; i += 8) {
    const b = [0, 2, 4, 6].map((k) => Number.parseInt(s.slice(i + k, i + k + 2), 16))
    const u = (b[0]! | (b[1]! << 8) | (b[2]! << 16) | (b[3]! << 24)) >>> 0
    out.push(signed ? u | 0 : u)
  }
  return out
}

const runLayout = (layout: 1 | 2, compiled: boolean) =>
  Effect.gen(function* () {
    const corpus = builtinCorpus()
    const frames = corpus.map((f) => f.bytes)
    const config = { layoutVersion: layout }
    const cfg: SimConfig = yield* decodeDriverConfig(simDriver, { ...simDriver.defaultConfig, ...config })
    const sem = simDriver.rxSemantics(cfg)
    const log = new FlowMarkLog(frames.length)
    let resolution: Readonly<Record<string, string>> = {}
    const handle: ObjectProgramHandle = { maps: undefined, stats: undefined }
    const tsSource: HwMetadataProgramSource<RawLoadError> = {
      load: (dev: NetDevice, clock: TaiClock) =>
        Effect.tap(loadRawXdpProgram(simRawFlowMark(log), dev, simDriver.btf?.(cfg), clock), (p) =>
          Effect.sync(() => {
            resolution = p.resolution
          })
        ),
      // the flow-mark program keeps its own log, no skip/fail counters
      counters: () => ({ skip: 0, fail: 0 })
    }
    const runWith = <E>(program: HwMetadataProgramSource<E>) => runHwMetadata({ driver: simDriver, config, frames, program })
    const run = compiled
      ? yield* Effect.exit(
          Effect.flatMap(readObjectImage(samplePath(FLOW_MARK_OBJECT), simDriver, cfg), (image) => runWith(objectProgramSource(image, {}, handle)))
        )
      : yield* Effect.exit(runWith(tsSource))
    const label = compiled ? `packages/programs/bpf/${FLOW_MARK_OBJECT}` : TS_PROGRAM
    if (run._tag === "Failure") {
      const e = (run.cause.reasons[0] as { error?: { message?: string } } | undefined)?.error
      const failed: NewFieldLayoutRun = {
        program: label,
        layout,
        loads: false,
        loadError: e?.message ?? "load failed",
        fieldExists: false,
        byteOffset: null,
        packets: 0,
        rc: {},
        truthOk: 0,
        firstMiss: null
      }
      return failed
    }
    const g = handle.maps?.globals() ?? {}
    const out: FlowMarkOutput = compiled ? { count: Number(g.marks_n ?? 0), rc: words(g.mark_rc, true), marks: words(g.mark_val, false) } : log
    const rc: Record<string, number> = {}
    let truthOk = 0
    let firstMiss: NewFieldLayoutRun["firstMiss"] = null
    const packets = run.value.packets
    const n = Math.min(out.count, packets.length)
    for (let i = 0; i < n; i++) {
      const r = out.rc[i]!
      const key = r === 0 ? "0" : `-${errnoName(-r)}`
      rc[key] = (rc[key] ?? 0) + 1
      const f = corpus[packets[i]!.index]!
      const h = expectedHash(f.truth, sem)
      const truth = layout === 1 ? "-EOPNOTSUPP" : h.rc === 0 ? `mark ${h.hash & (RSS_INDIR_SIZE - 1)}` : "-ENODATA"
      const got = r === 0 ? `mark ${out.marks[i]}` : key
      if (got === truth) truthOk++
      else if (firstMiss === null) firstMiss = { packet: packets[i]!.index, got, truth }
    }
    const at = resolution["sim_rx_desc_wb.flow_mark"]
    const result: NewFieldLayoutRun = {
      program: label,
      layout,
      loads: true,
      loadError: null,
      // the TS loader reports the relocation; for the object, what it did: any rc but -EOPNOTSUPP means the field resolved
      fieldExists: at !== undefined ? at !== "absent" : Object.keys(rc).some((k) => k !== "-EOPNOTSUPP"),
      byteOffset: at !== undefined && at !== "absent" ? Number(at.slice(1).split("/")[0]) : null,
      packets: n,
      rc,
      truthOk,
      firstMiss
    }
    return result
  })

const driverFiles: ReadonlyArray<{ readonly nic: string; readonly pkg: string; readonly files: ReadonlyArray<string> }> = [
  { nic: "sim", pkg: "@devtx/drivers-sim", files: ["datapath/SimMetadataOps.ts", "datapath/SimInlineOps.ts"] },
  { nic: "mlx5", pkg: "@devtx/drivers-mlx", files: ["datapath/Mlx5XdpMetadataOps.ts", "datapath/Mlx5InlineOps.ts"] },
  { nic: "ice", pkg: "@devtx/drivers-ice", files: ["datapath/IceMetadataOps.ts", "datapath/IceInlineOps.ts"] }
]

export const computeNewField = () =>
  Effect.gen(function* () {
    const runs = [yield* runLayout(1, false), yield* runLayout(2, false)]
    if (existsSync(samplePath(FLOW_MARK_OBJECT))) runs.push(yield* runLayout(1, true), yield* runLayout(2, true))
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
      kfuncProgram: [
        ...(cProgramsPresent()
          ? [footprintOfFile(join(bpfSourceDir(), "hw_metadata_kfunc.bpf.c"), "packages/programs/bpf/hw_metadata_kfunc.bpf.c", /vlan/)]
          : []),
        footprint("@devtx/programs", "hw-metadata/HwMetadataProgram.ts", VLAN_TAG)
      ],
      rawFootprint: {
        driver: [footprint("@devtx/drivers-sim", "SimBtf.ts", FLOW_MARK)],
        program: [
          ...(existsSync(join(bpfSourceDir(), "flow_mark_raw.bpf.c"))
            ? [countPath(join(bpfSourceDir(), "flow_mark_raw.bpf.c"), "packages/programs/bpf/flow_mark_raw.bpf.c")]
            : []),
          countFile("@devtx/programs", "raw/SimRawFlowMark.ts")
        ]
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
      caption: "The raw program on each layout (one build each: the TS program and the compiled object)",
      head: ["program", "layout", "loads", "flow_mark", "rc per packet", "truth ok", "first miss"],
      rows: d.runs.map((r) => [
        r.program,
        `v${r.layout}`,
        r.loads ? "yes" : `no: ${r.loadError}`,
        r.fieldExists ? `present${r.byteOffset === null ? "" : ` @${r.byteOffset}`}` : "absent (FIELD_EXISTS = 0)",
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
          `${d.kfuncProgram.map((f) => `${f.file.replace(/^packages\//, "")} ${f.lines}`).join(" / ")} (one program in C and its TS version), once for every NIC`
        ],
        ["raw (flow_mark)", "0", `sim: ${lines(d.rawFootprint.driver)} (BTF member; pahole's in a kernel)`, `${d.rawFootprint.program.map((f) => `${f.file.replace(/^packages\//, "")} ${f.lines}`).join(" / ")} (C and TS), per NIC that has the field`],
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
