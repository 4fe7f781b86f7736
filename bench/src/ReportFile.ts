/**
 * `renderReport(dir)`: re-render report.md and report.html from the results.json a run wrote in
 * `dir` (what `devtx report DIR` calls); `compareReports(a, b)`: two runs side by side
 * (`devtx report --compare A B`), written as compare.md / compare.html next to B's results.json.
 * Bad input is a typed error, never a crash: a missing or unreadable file, JSON that does not
 * parse, or a document without the `meta` / `results` keys.
 */
import { readFileSync, statSync, writeFileSync } from "node:fs"
import { dirname, join } from "node:path"
import { Data, Effect } from "effect"
import type { BenchResultsFile } from "./BenchResult.js"
import { renderCompareHtml, renderCompareMarkdown } from "./report/CompareReport.js"
import { renderHtml } from "./report/HtmlReport.js"
import { renderMarkdown } from "./report/MarkdownReport.js"

export class BenchReportError extends Data.TaggedError("BenchReportError")<{
  readonly path: string
  /** byte offset of a JSON syntax error, or -1 */
  readonly offset: number
  readonly reason: string
  readonly value: unknown
}> {
  override get message(): string {
    return `cannot render a report from ${this.path}: ${this.reason}`
  }
}

export interface RenderedReport {
  readonly markdown: string
  readonly html: string
  readonly files: ReadonlyArray<string>
}

export const parseResultsFile = (path: string, text: string): Effect.Effect<BenchResultsFile, BenchReportError> =>
  Effect.suspend(() => {
    let doc: unknown
    try {
      doc = JSON.parse(text)
    } catch (e) {
      const at = /position (\d+)/.exec(String(e))
      return Effect.fail(new BenchReportError({ path, offset: at ? Number(at[1]) : -1, reason: "not JSON", value: String(e) }))
    }
    const d = doc as Partial<BenchResultsFile> | null
    if (d === null || typeof d !== "object" || typeof d.meta !== "object" || d.meta === null || !Array.isArray(d.results))
      return Effect.fail(new BenchReportError({ path, offset: -1, reason: "expected an object with 'meta' and 'results'", value: d === null ? null : typeof d }))
    const full = d as BenchResultsFile
    return Effect.succeed({ ...full, skipped: full.skipped ?? [], checks: full.checks ?? [] })
  })

/** Read DIR/results.json and write DIR/report.md and DIR/report.html. */
export const renderReport = (dir: string): Effect.Effect<RenderedReport, BenchReportError> => {
  const path = join(dir, "results.json")
  return Effect.try({
    try: () => readFileSync(path, "utf8"),
    catch: (e) => new BenchReportError({ path, offset: -1, reason: "cannot read the file", value: String(e) })
  }).pipe(
    Effect.flatMap((text) => parseResultsFile(path, text)),
    Effect.flatMap((results) =>
      Effect.try({
        try: () => {
          const markdown = renderMarkdown(results)
          const html = renderHtml(results)
          const md = join(dir, "report.md")
          const ht = join(dir, "report.html")
          writeFileSync(md, markdown)
          writeFileSync(ht, html)
          return { markdown, html, files: [md, ht] }
        },
        catch: (e) => new BenchReportError({ path: dir, offset: -1, reason: "cannot write the report", value: String(e) })
      })
    )
  )
}

/** A results.json, or a directory holding one. */
export const resultsPathOf = (where: string): string => {
  try {
    return statSync(where).isDirectory() ? join(where, "results.json") : where
  } catch {
    return where.endsWith(".json") ? where : join(where, "results.json")
  }
}

export const readResults = (where: string): Effect.Effect<BenchResultsFile, BenchReportError> => {
  const path = resultsPathOf(where)
  return Effect.try({
    try: () => readFileSync(path, "utf8"),
    catch: (e) => new BenchReportError({ path, offset: -1, reason: "cannot read the file", value: String(e) })
  }).pipe(Effect.flatMap((text) => parseResultsFile(path, text)))
}

/** Compare run A (the baseline) with run B; writes compare.md and compare.html beside B's results.json. */
export const compareReports = (a: string, b: string): Effect.Effect<RenderedReport, BenchReportError> =>
  Effect.all([readResults(a), readResults(b)]).pipe(
    Effect.flatMap(([ra, rb]) =>
      Effect.try({
        try: () => {
          const markdown = renderCompareMarkdown(ra, rb, resultsPathOf(a), resultsPathOf(b))
          const html = renderCompareHtml(ra, rb, resultsPathOf(a), resultsPathOf(b))
          const dir = dirname(resultsPathOf(b))
          const md = join(dir, "compare.md")
          const ht = join(dir, "compare.html")
          writeFileSync(md, markdown)
          writeFileSync(ht, html)
          return { markdown, html, files: [md, ht] }
        },
        catch: (e) => new BenchReportError({ path: b, offset: -1, reason: "cannot write the comparison", value: String(e) })
      })
    )
  )
