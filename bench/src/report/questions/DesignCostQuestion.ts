/**
 * `devtx compare matrix` and `devtx compare who-writes` (Jakub Kicinski's HW x queue format x
 * program authors; John Fastabend's "either way someone writes it, in BPF or in C"): per design,
 * the code a NIC vendor writes (kernel: driver ops, inline descriptions, BTF), the code the
 * kernel writes once for every NIC, and the code each program author writes per NIC — counted
 * from the sources of record (SourceFootprint.ts rules), never declared. The program side is
 * programs' costMatrix (PROGRAM_SOURCES: the TypeScript programs; the C objects once branch
 * xdprt lands them). The kfunc side's driver code is counted, not taken as zero.
 *
 * Files of record, per NIC X (drivers-sim "Sim", drivers-mlx "Mlx5", drivers-ice "Ice"):
 *   kfunc, vendor   datapath/XMetadataOps.ts (xdp_metadata_ops), datapath/XInlineOps.ts (inline
 *                   descriptions), datapath/XDevtxOps.ts and XDevtxInlineOps.ts where they exist
 *   raw, vendor     XBtf.ts — devtx builds the BTF by hand; in a kernel pahole generates it from
 *                   the driver's existing structs (0 hand-written lines), shown for reference
 *   kernel, once    kfunc: the metadata table, ops contracts, getters, binding, inliner (core,
 *                   kfuncs); raw: the CO-RE loader (core/raw: libbpf's part in a real system)
 */
import { type CostRow, costMatrix } from "@devtx/programs"
import { Data, Effect, Result } from "effect"
import { type AnswerSection, sectionHtml, sectionMarkdown } from "./QuestionTables.js"
import { COMPUTED_FOR_REPORT, isQuestionData, once, type ReportInput } from "./ReportInput.js"
import { COUNTING_METHOD, countFile, type FileCount, sum } from "./SourceFootprint.js"

const DRIVER_PKG: Readonly<Record<string, { readonly pkg: string; readonly prefix: string }>> = {
  sim: { pkg: "@devtx/drivers-sim", prefix: "Sim" },
  mlx5: { pkg: "@devtx/drivers-mlx", prefix: "Mlx5" },
  ice: { pkg: "@devtx/drivers-ice", prefix: "Ice" }
}

export const matrixNics = (): ReadonlyArray<string> => Object.keys(DRIVER_PKG)

const tryCount = (pkg: string, file: string): FileCount | undefined => {
  try {
    return countFile(pkg, file)
  } catch {
    return undefined
  }
}

const required = (pkg: string, file: string): FileCount => countFile(pkg, file)

export interface VendorCode {
  readonly nic: string
  readonly kfunc: ReadonlyArray<FileCount>
  readonly raw: ReadonlyArray<FileCount>
}

export interface DesignCostData {
  readonly question: "design-cost"
  readonly method: string
  readonly nics: ReadonlyArray<string>
  readonly vendor: ReadonlyArray<VendorCode>
  readonly kernelOnce: { readonly kfunc: ReadonlyArray<FileCount>; readonly raw: ReadonlyArray<FileCount> }
  readonly programs: ReadonlyArray<CostRow>
  /** totals for the NICs: kernel = vendor + kernel-once; bpf = program authors */
  readonly totals: ReadonlyArray<{ readonly design: "kfunc" | "raw"; readonly vendor: number; readonly kernelOnce: number; readonly bpf: number }>
}

export class DesignCostError extends Data.TaggedError("DesignCostError")<{ readonly reason: string }> {
  override get message(): string {
    return this.reason
  }
}

/** The counts for `nics`; a NIC without sources of record, or a missing file, is a DesignCostError. */
export const computeDesignCost = (nics: ReadonlyArray<string> = matrixNics()): Effect.Effect<DesignCostData, DesignCostError> =>
  Effect.try({
    try: () => designCostSync(nics),
    catch: (e) => (e instanceof DesignCostError ? e : new DesignCostError({ reason: e instanceof Error ? e.message : String(e) }))
  })

const designCostSync = (nics: ReadonlyArray<string>): DesignCostData => {
  for (const n of nics) if (DRIVER_PKG[n] === undefined) throw new DesignCostError({ reason: `no sources of record for NIC '${n}' (known: ${matrixNics().join(", ")})` })
  const vendor = nics.map((nic) => {
    const { pkg, prefix } = DRIVER_PKG[nic]!
    const kfunc = [
      required(pkg, `datapath/${prefix === "Mlx5" ? "Mlx5Xdp" : prefix}MetadataOps.ts`),
      required(pkg, `datapath/${prefix}InlineOps.ts`),
      required(pkg, `datapath/${prefix}DevtxOps.ts`),
      ...[tryCount(pkg, `datapath/${prefix}DevtxInlineOps.ts`)].filter((x): x is FileCount => x !== undefined)
    ]
    return { nic, kfunc, raw: [required(pkg, `${prefix}Btf.ts`)] }
  })
  const kernelOnce = {
    kfunc: [
      required("@devtx/core", "metadata/MetadataTable.ts"),
      required("@devtx/core", "metadata/XdpMetadataOps.ts"),
      required("@devtx/core", "devtx/DevtxOps.ts"),
      required("@devtx/core", "devtx/DevtxInlineOps.ts"),
      required("@devtx/kfuncs", "RxGetters.ts"),
      required("@devtx/kfuncs", "KfuncBinding.ts"),
      required("@devtx/kfuncs", "InlineCompiler.ts"),
      required("@devtx/kfuncs", "DevtxKfuncs.ts"),
      required("@devtx/kfuncs", "DevtxInlineCompiler.ts")
    ],
    raw: [
      required("@devtx/core", "raw/RawDecl.ts"),
      required("@devtx/core", "raw/RawLoader.ts"),
      required("@devtx/core", "raw/RawProgram.ts"),
      required("@devtx/core", "raw/datapath/RawAccessor.ts")
    ]
  }
  const programs = costMatrix(nics)
  if (Result.isFailure(programs)) throw new DesignCostError({ reason: `${programs.failure.reason}: ${programs.failure.file}` })
  const rows = programs.success.filter((r) => r.style === "kfunc" || r.style === "raw")
  const totals = (["kfunc", "raw"] as const).map((design) => ({
    design,
    vendor: vendor.reduce((a, v) => a + sum(design === "kfunc" ? v.kfunc : v.raw).lines, 0),
    kernelOnce: sum(kernelOnce[design]).lines,
    bpf: rows.filter((r) => r.style === design).reduce((a, r) => a + r.lines, 0)
  }))
  return { question: "design-cost", method: COUNTING_METHOD, nics, vendor, kernelOnce, programs: rows, totals }
}

const files = (xs: ReadonlyArray<FileCount>): string => xs.map((x) => `${x.file.replace(/^packages\//, "")} ${x.lines}`).join(", ")

export const matrixSection = (d: DesignCostData): AnswerSection => ({
  title: `The matrix: HW x program authors, per design (${d.nics.join(", ")})`,
  notes: [
    d.method,
    "Vendor code per NIC: kfunc = xdp_metadata_ops + inline descriptions + devtx ops (the driver's C); raw = the driver's BTF (devtx builds it by hand; a kernel's pahole generates it from structs the driver has anyway, so a real vendor writes 0 lines for it).",
    "Program code: per program, the shared lines once plus each NIC's own path (raw); the kfunc program has no per-NIC path.",
    "Queue formats (sim v1/v2, ice ice_xdp_buff/libeth_xdp_buff, mlx5 CQE compression) are not counted separately: `devtx compare portability` shows which builds survive a layout change; mlx5 decompression (Mlx5eRq.ts) runs in the driver before either design reads the CQE."
  ],
  tables: [
    {
      caption: "NIC vendor code (lines / branches)",
      head: ["NIC", "kfunc: driver ops", "raw: BTF", "kfunc files", "raw files"],
      rows: d.vendor.map((v) => [
        v.nic,
        `${sum(v.kfunc).lines} / ${sum(v.kfunc).branches}`,
        `${sum(v.raw).lines} / ${sum(v.raw).branches}`,
        files(v.kfunc),
        files(v.raw)
      ])
    },
    {
      caption: "Program author code (lines / branches)",
      head: ["program", "design", "lines", "branches", "shared", "per-NIC paths", "per-NIC lines"],
      rows: d.programs.map((r) => [
        r.program,
        r.style,
        String(r.lines),
        String(r.branches),
        String(r.sharedLines),
        String(r.perNicPaths),
        `${Object.entries(r.perNicLines)
          .map(([k, v]) => `${k}=${v}`)
          .join(" ")}${r.missing.length > 0 ? ` (no code for ${r.missing.join(",")})` : ""}`
      ])
    }
  ]
})

export const whoWritesSection = (d: DesignCostData): AnswerSection => ({
  title: `Who writes it: kernel (C) vs BPF, per design (${d.nics.join(", ")})`,
  notes: [
    d.method,
    `Kernel, once for every NIC: kfunc ${files(d.kernelOnce.kfunc)}; raw ${files(d.kernelOnce.raw)} (libbpf's CO-RE in a real system, which exists either way).`
  ],
  tables: [
    {
      head: ["design", "kernel: NIC vendors (all NICs)", "kernel: once", "BPF: program authors (all programs x NICs)", "kernel share"],
      rows: d.totals.map((t) => [
        t.design,
        String(t.vendor),
        String(t.kernelOnce),
        String(t.bpf),
        `${(((t.vendor + t.kernelOnce) / Math.max(1, t.vendor + t.kernelOnce + t.bpf)) * 100).toFixed(0)}%`
      ])
    }
  ]
})

const forReport = once(() => Effect.runSync(computeDesignCost()))
const pick = (input: ReportInput<DesignCostData>, section: (d: DesignCostData) => AnswerSection): AnswerSection => {
  if (isQuestionData(input, "design-cost")) return section(input)
  const s = section(forReport())
  return { ...s, notes: [...s.notes, COMPUTED_FOR_REPORT] }
}

export const renderMatrixMarkdown = (input: ReportInput<DesignCostData>): string => sectionMarkdown(pick(input, matrixSection))
export const renderMatrixHtml = (input: ReportInput<DesignCostData>): string => sectionHtml(pick(input, matrixSection))
export const renderWhoWritesMarkdown = (input: ReportInput<DesignCostData>): string => sectionMarkdown(pick(input, whoWritesSection))
export const renderWhoWritesHtml = (input: ReportInput<DesignCostData>): string => sectionHtml(pick(input, whoWritesSection))
