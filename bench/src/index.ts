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
export { BenchReportError, compareReports, parseResultsFile, readResults, type RenderedReport, renderReport } from "./ReportFile.js"
export { type Comparison, type CompareVerdict, compareResults, renderCompareHtml, renderCompareMarkdown } from "./report/CompareReport.js"
export { renderMarkdown } from "./report/MarkdownReport.js"
export { renderHtml } from "./report/HtmlReport.js"
export { FULL_TIMING, QUICK_TIMING, SMOKE_TIMING, type TimingPlan } from "./harness/Timing.js"
export { parseBenchArgs, BenchArgsError, type BenchArgs } from "./BenchArgs.js"
export { type Conclusion, CONCLUSION_RULES, conclusions, type Verdict } from "./report/Conclusions.js"
export { type Anomaly, type AnomalyKind, ANOMALY_RULES, anomalies, NOISY_RME } from "./report/Anomalies.js"
export { figureKey, type HintCost, type MarginalTable, marginalTables, nsFigure, totalInsnsFigure } from "./report/MarginalCost.js"
export { distinguishable, type Measured, NOISE_RULE } from "./report/Significance.js"
export { QUESTION_SECTIONS, type QuestionSection, sectionsOfModule } from "./report/QuestionSections.js"
export { parseDrivers, parseMode, parseSize, readConfigOverlay } from "./BenchArgs.js"
export { BENCH_MODES, type BenchInput, type BenchMode, REDIRECT_MODES_NOT_BUILT } from "./harness/BenchInput.js"
export * from "./report/questions/QuestionTables.js"
export * from "./report/questions/KfuncRawQuestion.js"
export * from "./report/questions/PortabilityQuestion.js"
export * from "./report/questions/NewFieldQuestion.js"
export * from "./report/questions/DesignCostQuestion.js"
export { COUNTING_METHOD, countFile, footprint, footprintOfText, packageSrc } from "./report/questions/SourceFootprint.js"
export * from "./report/questions/CProgramSources.js"
export * from "./report/questions/CompiledPrograms.js"
