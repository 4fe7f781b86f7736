/**
 * One table model for the debate's question sections (issue 16), rendered three ways: Markdown
 * (the report), HTML (escaped, no script) and plain text (the `devtx compare` terminal output).
 * A section is a title, notes (the counting rules and sources, printed with every answer) and
 * tables of strings; the renderers format nothing else.
 */
export interface QuestionTable {
  readonly caption?: string
  readonly head: ReadonlyArray<string>
  readonly rows: ReadonlyArray<ReadonlyArray<string>>
}

export interface AnswerSection {
  readonly title: string
  readonly notes: ReadonlyArray<string>
  readonly tables: ReadonlyArray<QuestionTable>
}

const mdCell = (s: string): string => s.replace(/\|/g, "\\|").replace(/\n/g, " ")

export const sectionMarkdown = (s: AnswerSection): string => {
  const out = [`## ${s.title}`, ""]
  for (const n of s.notes) out.push(`${n}`, "")
  for (const t of s.tables) {
    if (t.caption !== undefined) out.push(`**${t.caption}**`, "")
    out.push(`| ${t.head.map(mdCell).join(" | ")} |`, `|${t.head.map(() => "---").join("|")}|`)
    for (const r of t.rows) out.push(`| ${r.map(mdCell).join(" | ")} |`)
    out.push("")
  }
  return out.join("\n")
}

const h = (s: string): string => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;")

export const sectionHtml = (s: AnswerSection): string => {
  const out = [`<section><h2>${h(s.title)}</h2>`]
  for (const n of s.notes) out.push(`<p>${h(n)}</p>`)
  for (const t of s.tables) {
    out.push("<table>")
    if (t.caption !== undefined) out.push(`<caption>${h(t.caption)}</caption>`)
    out.push(`<thead><tr>${t.head.map((c) => `<th>${h(c)}</th>`).join("")}</tr></thead><tbody>`)
    for (const r of t.rows) out.push(`<tr>${r.map((c) => `<td>${h(c)}</td>`).join("")}</tr>`)
    out.push("</tbody></table>")
  }
  out.push("</section>")
  return out.join("\n")
}

/** Plain text: columns padded to their widest cell. */
export const sectionText = (s: AnswerSection): string[] => {
  const out = [s.title, ...s.notes.map((n) => `  ${n}`)]
  for (const t of s.tables) {
    out.push("")
    if (t.caption !== undefined) out.push(t.caption)
    const widths = t.head.map((c, i) => Math.max(c.length, ...t.rows.map((r) => (r[i] ?? "").length)))
    const line = (r: ReadonlyArray<string>) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!))).join("  ")
    out.push(line(t.head))
    for (const r of t.rows) out.push(line(r))
  }
  return out
}
