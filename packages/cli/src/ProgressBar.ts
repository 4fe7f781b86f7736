/**
 * A progress bar for long runs: on stderr, only when stderr is a terminal, and only once the run
 * has taken longer than a threshold (1 s; DEVTX_PROGRESS_AFTER_MS overrides it, for tests).
 * Redraws at most every 100 ms and erases itself at the end, so piped output and short runs stay
 * quiet and byte-identical.
 */
export interface Progress {
  readonly update: (done: number, total: number) => void
  readonly finish: () => void
}

const quiet: Progress = { update: () => {}, finish: () => {} }

export const makeProgress = (
  label: string,
  stream: NodeJS.WriteStream = process.stderr,
  afterMs: number = Number(process.env.DEVTX_PROGRESS_AFTER_MS ?? 1000)
): Progress => {
  if (!stream.isTTY) return quiet
  const start = Date.now()
  let lastDraw = -Infinity
  let shown = false
  const width = 30
  return {
    update: (done, total) => {
      const now = Date.now()
      if (now - start < afterMs) return
      if (now - lastDraw < 100 && done < total) return
      lastDraw = now
      shown = true
      const fill = total === 0 ? width : Math.round((width * done) / total)
      stream.write(`\r${label} [${"#".repeat(fill)}${".".repeat(width - fill)}] ${done}/${total}`)
    },
    finish: () => {
      if (shown) stream.write("\r\x1b[K")
    }
  }
}
