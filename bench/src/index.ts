/**
 * @devtx/bench — the benchmark suites (tinybench) measuring what the kfunc abstraction costs
 * against reading the NIC's descriptor directly, and the report generator.
 *
 * Entry points for hosts (the devtx cli):
 *   runBench({ quick?, filter?, out?, ... }): Promise<BenchResultsFile>   (`devtx bench`)
 *   renderReport(dir): Effect<RenderedReport, BenchReportError>          (`devtx report DIR`)
 */
export * from "./BenchResult.js"
export { type BenchOptions, MIN_BATCH, runBench, writeResults } from "./Runner.js"
export { BenchReportError, parseResultsFile, type RenderedReport, renderReport } from "./ReportFile.js"
export { renderMarkdown } from "./report/MarkdownReport.js"
export { renderHtml } from "./report/HtmlReport.js"
export { FULL_TIMING, QUICK_TIMING, SMOKE_TIMING, type TimingPlan } from "./harness/Timing.js"
export { parseBenchArgs, BenchArgsError, type BenchArgs } from "./BenchArgs.js"
export * from "./report/questions/QuestionTables.js"
export * from "./report/questions/KfuncRawQuestion.js"
export * from "./report/questions/PortabilityQuestion.js"
export * from "./report/questions/NewFieldQuestion.js"
export * from "./report/questions/DesignCostQuestion.js"
export { COUNTING_METHOD, countFile, footprint, footprintOfText, packageSrc } from "./report/questions/SourceFootprint.js"
export * from "./report/questions/CProgramSources.js"
export * from "./report/questions/CompiledPrograms.js"
