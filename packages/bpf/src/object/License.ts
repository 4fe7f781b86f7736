/**
 * The object's `license` section and the kernel's GPL rule for BPF programs.
 *
 * - The section holds a string (clang: `char LICENSE[] SEC("license") = "GPL"`); libbpf copies
 *   at most 63 characters of it (bpf_object__init_license, sizeof(obj->license) = 64). devtx refuses an object without one (libbpf would load it with an empty license and
 *   the kernel would then refuse every GPL-only call).
 * - GPL compatibility is include/linux/license.h license_is_gpl_compatible: exactly one of the six
 *   strings below. kernel/bpf/syscall.c sets prog->gpl_compatible from it.
 * - The verifier refuses a GPL-only helper from a non-GPL program ("cannot call GPL-restricted
 *   function from non-GPL compatible program", kernel/bpf/verifier.c check_helper_call) and any
 *   kfunc ("cannot call kernel function from non-GPL compatible program", add_kfunc_call).
 * - GPL_ONLY_HELPERS: the helpers whose bpf_func_proto has .gpl_only = true among those an
 *   XDP/devtx program can reach (kernel/trace/bpf_trace.c, net/core/filter.c, kernel/bpf/helpers.c),
 *   by enum bpf_func_id — including what bpf_base_func_proto (kernel/bpf/helpers.c) hands every
 *   program type for CAP_BPF (the bpf_timer_* helpers) and CAP_PERFMON (get_current_task,
 *   get_current_task_btf, snprintf, task_pt_regs, the probe_read_* and printk helpers): devtx
 *   loads as root, so those are reachable.
 */

/** sizeof(obj->license) - 1, libbpf bpf_object__init_license */
export const LICENSE_MAX_CHARS = 63

const GPL_COMPATIBLE: ReadonlySet<string> = new Set([
  "GPL",
  "GPL v2",
  "GPL and additional rights",
  "Dual BSD/GPL",
  "Dual MIT/GPL",
  "Dual MPL/GPL"
])

/** include/linux/license.h license_is_gpl_compatible */
export const licenseIsGplCompatible = (license: string): boolean => GPL_COMPATIBLE.has(license)

/** bpf_func_id → helper name, for the helpers with .gpl_only = true */
export const GPL_ONLY_HELPERS: ReadonlyMap<number, string> = new Map([
  [4, "bpf_probe_read"],
  [6, "bpf_trace_printk"],
  [25, "bpf_perf_event_output"],
  [35, "bpf_get_current_task"],
  [45, "bpf_probe_read_str"],
  [111, "bpf_skb_output"],
  [112, "bpf_probe_read_user"],
  [113, "bpf_probe_read_kernel"],
  [114, "bpf_probe_read_user_str"],
  [115, "bpf_probe_read_kernel_str"],
  [121, "bpf_xdp_output"],
  [158, "bpf_get_current_task_btf"],
  [165, "bpf_snprintf"],
  [169, "bpf_timer_init"],
  [170, "bpf_timer_set_callback"],
  [171, "bpf_timer_start"],
  [172, "bpf_timer_cancel"],
  [175, "bpf_task_pt_regs"],
  [177, "bpf_trace_vprintk"]
])

/**
 * The license string of the section's bytes as libbpf copies it (libbpf_strlcpy with
 * min(size + 1, 64)): up to the first NUL or the section's end, at most LICENSE_MAX_CHARS.
 */
export const licenseOf = (data: Uint8Array): string => {
  const nul = data.indexOf(0)
  const end = nul < 0 ? data.length : nul
  const text = data.subarray(0, Math.min(end, LICENSE_MAX_CHARS))
  let s = ""
  for (const b of text) s += String.fromCharCode(b)
  return s
}
