/**
 * The two callers of a question's renderers: `devtx compare` passes the data it computed; the
 * bench report (QuestionSections.ts) passes the run's BenchResultsFile, which carries no
 * question data — the renderer then computes the answers from this checkout (the built-in corpus
 * and the sources of record), once per process, and says so in the section. Data objects carry a
 * `question` tag that tells them apart.
 */
import type { BenchResultsFile } from "../../BenchResult.js"

export type ReportInput<D> = D | BenchResultsFile

export const isQuestionData = <D extends { readonly question: string }>(input: ReportInput<D>, question: D["question"]): input is D =>
  typeof input === "object" && input !== null && (input as { readonly question?: unknown }).question === question

/** A value computed on first use (the report renders Markdown and HTML from the same answers). */
export const once = <A>(f: () => A): (() => A) => {
  let done = false
  let value: A | undefined
  return () => {
    if (!done) {
      value = f()
      done = true
    }
    return value as A
  }
}

export const COMPUTED_FOR_REPORT = "Computed from this checkout when the report was rendered (the built-in corpus and the sources of record), not from the timing run."
