/**
 * The kernel's rules for BTF names (kernel/bpf/btf.c __btf_name_char_ok, __btf_name_valid,
 * btf_name_valid_section), applied per kind by the decoder.
 *
 * - identifier: first char [A-Za-z_.], then [A-Za-z0-9_.], at most KSYM_NAME_LEN chars
 *   (dots allowed since kernel commit "bpf: Allow dots in BTF names", 2023).
 * - section (DATASEC): non-empty, printable ASCII (0x20..0x7e), at most KSYM_NAME_LEN chars.
 * Non-ASCII characters are rejected (the kernel's ctype treats Latin-1 letters as alpha; no
 * real BTF producer emits them, so this module is stricter there — documented deviation).
 */
import { KSYM_NAME_LEN } from "./BtfWire.js"

const isAlpha = (c: number): boolean => (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a)
const isDigit = (c: number): boolean => c >= 0x30 && c <= 0x39

/** btf_name_valid_identifier: kernel/bpf/btf.c */
export const isValidIdentifier = (s: string): boolean => {
  if (s.length === 0 || s.length > KSYM_NAME_LEN) return false
  const c0 = s.charCodeAt(0)
  if (!isAlpha(c0) && c0 !== 0x5f && c0 !== 0x2e) return false
  for (let i = 1; i < s.length; i++) {
    const c = s.charCodeAt(i)
    if (!isAlpha(c) && !isDigit(c) && c !== 0x5f && c !== 0x2e) return false
  }
  return true
}

/** btf_name_valid_section: kernel/bpf/btf.c ("Allow any printable character in DATASEC names") */
export const isValidSectionName = (s: string): boolean => {
  if (s.length === 0 || s.length > KSYM_NAME_LEN) return false
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i)
    if (c < 0x20 || c > 0x7e) return false
  }
  return true
}
