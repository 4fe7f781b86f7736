/**
 * Output of the `devtx compare` commands: text (the question's section as aligned columns, its
 * counting rules and sources first) or --json (one object: the question's name, the section's
 * notes as `method`, and the computed data — every number the text shows).
 */
import type { AnswerSection } from "@devtx/bench"
import { sectionText } from "@devtx/bench"
import type { Effect } from "effect"
import { printLines } from "../commands/ProcessOutput.js"

export const printQuestion = (question: string, section: AnswerSection, data: unknown, json: boolean): Effect.Effect<void> =>
  json ? printLines([JSON.stringify({ question, method: section.notes, data })]) : printLines(sectionText(section))
