// The HTML report in a real browser: headless Chromium (Debian `chromium`, installed by .ci/run)
// loads a report rendered from a crafted run, a probe script added to a test copy of the page (the
// report itself has no script) measures every chart and any element sticking out of the page, and
// a screenshot's pixels must show each bar colour over the area the charts drew in it. Skips on a
// machine without chromium unless DEVTX_REQUIRE_TOOLS=1.
import { spawnSync } from "node:child_process"
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { pathToFileURL } from "node:url"
import { renderHtml } from "@devtx/bench"
import { describe, expect, it } from "vitest"
import { countColour, decodePng } from "../support/PngPixels.js"
import { ALL4, type Figure, results } from "./ResultsFixture.js"

const hasChromium = spawnSync("sh", ["-c", "command -v chromium"]).status === 0

const CHROMIUM_FLAGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-dev-shm-usage",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--hide-scrollbars",
  "--force-device-scale-factor=1"
]

const chromium = (args: ReadonlyArray<string>) => {
  const r = spawnSync("chromium", [...CHROMIUM_FLAGS, ...args], { encoding: "utf8", timeout: 60_000, maxBuffer: 64 * 1024 * 1024 })
  if (r.status !== 0) throw new Error(`chromium ${args.join(" ")} exited ${r.status}: ${r.stderr}`)
  return r.stdout
}

/** measured in the page after layout; written into a <pre id="probe"> the dump shows */
const PROBE = `<script>
addEventListener("load", () => {
  const out = { svgs: [], sticking: [], wideScrolling: [], fills: {}, page: {} };
  const body = document.body.getBoundingClientRect();
  for (const s of document.querySelectorAll("svg")) {
    const r = s.getBoundingClientRect();
    const rects = [...s.querySelectorAll("rect")];
    out.svgs.push({ label: s.getAttribute("aria-label"), rects: rects.length, bars: rects.filter((x) => x.querySelector("title")).length,
      drawn: rects.filter((x) => x.getBoundingClientRect().height > 0 && x.getBoundingClientRect().width > 0).length, width: r.width, height: r.height });
    for (const x of rects) { const b = x.getBoundingClientRect(); const f = x.getAttribute("fill"); out.fills[f] = (out.fills[f] || 0) + b.width * b.height; }
  }
  for (const e of document.body.querySelectorAll("*")) {
    const r = e.getBoundingClientRect();
    if (r.right > body.right + 0.5 && e.closest(".wide") === null) out.sticking.push(e.tagName + " " + (e.textContent || "").slice(0, 40));
  }
  for (const w of document.querySelectorAll(".wide")) if (w.scrollWidth > w.clientWidth + 1) out.wideScrolling.push((w.textContent || "").slice(0, 60));
  out.page = { scrollWidth: document.documentElement.scrollWidth, clientWidth: document.documentElement.clientWidth, scrollHeight: document.documentElement.scrollHeight };
  const pre = document.createElement("pre"); pre.id = "probe"; pre.style.whiteSpace = "pre-wrap"; pre.textContent = JSON.stringify(out); document.body.appendChild(pre);
});
</script>`

interface Probe {
  readonly svgs: ReadonlyArray<{ label: string; rects: number; bars: number; drawn: number; width: number; height: number }>
  readonly sticking: ReadonlyArray<string>
  readonly wideScrolling: ReadonlyArray<string>
  readonly fills: Readonly<Record<string, number>>
  readonly page: { scrollWidth: number; clientWidth: number; scrollHeight: number }
}

const RX_STYLES = ["raw-fixed", "raw-core", "kfunc-inlined", "kfunc-dev-bound", "kfunc-generic"]
const crafted = (): Figure[] => {
  const figs: Figure[] = []
  for (const [driver, base] of [
    ["sim", 30],
    ["mlx5", 45]
  ] as const) {
    figs.push({ driver, style: "empty", hints: [], ns: base - 3 })
    RX_STYLES.forEach((style, si) => {
      for (let k = 1; k <= 4; k++) figs.push({ driver, style, hints: ALL4.slice(0, k), ns: base + 3 * k + si * 2 * k })
      for (const h of ALL4.slice(1)) figs.push({ driver, style, hints: [h], ns: base + 2 + si })
    })
    for (const style of ["raw-fixed", "kfunc-dev-bound", "xsk-tx-metadata"]) {
      figs.push({ driver, path: "tx-submit", style, hints: ["tx-timestamp", "l4-checksum"], ns: 100 + base })
      figs.push({ driver, path: "tx-complete", style, hints: ["tx-timestamp"], ns: base })
    }
  }
  figs.push(
    { lane: "vm", driver: "mlx5", style: "raw-core", hints: ALL4, ns: 900, insns: 61, kfuncInsns: 0 },
    { lane: "vm", driver: "mlx5", style: "kfunc-dev-bound", hints: ALL4, ns: 1100, insns: 40, kfuncInsns: 57 },
    { lane: "kernel", driver: "veth", style: "raw-core", hints: ALL4, ns: 21.5, rme: 0.5, xlated: 88, jited: 512 },
    { lane: "kernel", driver: "veth", style: "kfunc-dev-bound", hints: ALL4, ns: 25, rme: 0.5, xlated: 101, jited: 640 }
  )
  return figs
}

describe.runIf(hasChromium || process.env.DEVTX_REQUIRE_TOOLS === "1")("the HTML report in headless Chromium", () => {
  it("draws every chart with its bars, nothing sticks out of the page, and the screenshot shows the bars", () => {
    const dir = mkdtempSync(join(tmpdir(), "devtx-report-browser-"))
    const html = renderHtml(results(crafted()))
    expect(html).not.toMatch(/<script|https?:\/\/(?!www\.w3\.org\/2000\/svg)/)
    writeFileSync(join(dir, "report.html"), html)
    const probed = join(dir, "probed.html")
    writeFileSync(probed, html.replace("</body>", `${PROBE}</body>`))
    const dom = chromium(["--window-size=1280,900", "--virtual-time-budget=5000", "--dump-dom", pathToFileURL(probed).href])
    const m = /<pre id="probe"[^>]*>(.*?)<\/pre>/s.exec(dom)
    expect(m, "the probe ran").not.toBeNull()
    const p = JSON.parse(m![1]!.replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&amp;/g, "&")) as Probe
    // RX charts: per driver 1 empty + 5 styles x 4 hint counts bars (the marginal sets are not bars), plus the legend's 6 keys
    for (const d of ["sim", "mlx5"]) {
      const rx = p.svgs.find((s) => s.label === `rx, ${d}: ns per packet`)
      expect(rx, d).toBeDefined()
      expect(rx!.bars).toBe(21)
      expect(rx!.rects).toBe(21 + 6)
      expect(rx!.drawn).toBe(rx!.rects)
      const tx = p.svgs.find((s) => s.label === `tx, ${d}: ns per packet`)
      expect(tx!.bars).toBe(6)
      expect(tx!.drawn).toBe(tx!.rects)
    }
    expect(p.svgs.every((s) => s.width > 300 && s.height > 200)).toBe(true)
    expect(p.sticking).toEqual([])
    expect(p.wideScrolling).toEqual([])
    expect(p.page.scrollWidth).toBeLessThanOrEqual(p.page.clientWidth)

    // the screenshot of the whole page: each bar colour covers (about) the area its rects have
    const height = Math.min(16000, p.page.scrollHeight + 40)
    const shot = join(dir, "report.png")
    chromium([`--window-size=1280,${height}`, `--screenshot=${shot}`, pathToFileURL(join(dir, "report.html")).href])
    const px = decodePng(readFileSync(shot))
    expect(px.width).toBe(1280)
    // saturated colours only: antialiased text makes greys of every shade
    for (const colour of ["#1b5e20", "#66bb6a", "#0d47a1", "#42a5f5", "#ef6c00", "#795548"]) {
      const area = p.fills[colour] ?? 0
      expect(area, colour).toBeGreaterThan(500)
      const n = countColour(px, colour)
      expect(n, `${colour}: ${n} pixels for ${area.toFixed(0)} px² of bars`).toBeGreaterThan(area * 0.85)
      expect(n).toBeLessThan(area * 1.15 + 200)
    }
    // white page, dark text: the page is not blank
    expect(countColour(px, "#ffffff", 2)).toBeGreaterThan(px.width * px.height * 0.5)
    expect(countColour(px, "#222222", 40)).toBeGreaterThan(2000)
  }, 120_000)
})
