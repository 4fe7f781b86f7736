/** What the figures are and are not: printed in every report. */
export const CAVEATS: ReadonlyArray<string> = [
  "This is a simulation in JavaScript on V8, not a kernel: a 'program' is a JIT-compiled JS function, a 'kfunc call' a JS call V8 may inline, a descriptor read a DataView load. Ratios say what the abstraction costs in this model; absolute ns say nothing about a NIC.",
  "The kernel's dev-bound kfunc is a direct call the CPU cannot inline; V8 inlines small monomorphic callees, so devtx's dev-bound and inlined bindings can converge where the kernel's would differ by a call (~1.3 ns) per hint.",
  "raw-core runs each relocated field read through the compiled accessor closure devtx's raw loader returns; in the kernel a CO-RE relocated load is the same instruction as a fixed-offset load, so raw-core vs raw-fixed measures devtx's loader output, not CO-RE itself.",
  "The hardware model fills the rings before timing; between iterations the rings are put back by replaying the bytes and indices it wrote (checked to give identical per-packet outputs), so neither the model nor the replay is in the timed region.",
  "Programs return XDP_DROP (rxdrop): no skb is built, no redirect; the driver re-posts each buffer, as a real rxdrop run does.",
  "Each group of tasks runs in a fresh worker isolate, so one driver's shapes do not make another group's call sites polymorphic; within a group the tasks share core's poll-loop helpers, as the drivers in one kernel share net/core.",
  "tinybench's rme is the relative margin of error of the mean at 95%; on a 2-core machine with other work running, differences under the rme are noise.",
  "Timer resolution: each sample is one batch of thousands of packets (hundreds of microseconds), far above performance.now()'s resolution."
]
