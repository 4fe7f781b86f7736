/**
 * `bpftool btf dump file X [-B BASE] format raw` as text (bpftool 7.1 src/btf.c dump_btf_type,
 * the printf branch), for the own types of a Btf — core has the `-j` JSON form (btfDumpRaw /
 * btfDumpRawJson); this prints the same objects as bpftool's text lines:
 *
 *   [id] KIND 'name' key=value ...          one line per type
 *   \t'member' type_id=N bits_offset=N[ bitfield_size=N]   (STRUCT/UNION members)
 *   \t'name' val=N                            (ENUM: %d when signed, %u otherwise)
 *   \t'name' val=NULL / val=NLL               (ENUM64: u64 "ULL", s64 "LL")
 *   \t'param' type_id=N                       (FUNC_PROTO)
 *   \ttype_id=N offset=N size=N (VAR 'name')  (DATASEC)
 *   VAR: " type_id=N, linkage=L" (with the comma)
 *
 * Checked line for line against bpftool on the running kernel's vmlinux BTF (every kind).
 * Belongs next to BtfDumpRaw.ts in core; kept here while core is edited by others.
 */
import { type Btf, BtfKind, type RawJsonObject, rawDumpType } from "@devtx/bpf"

const scalarKeys = (o: RawJsonObject, skip: ReadonlyArray<string>): string =>
  Object.entries(o)
    .filter(([k, v]) => !skip.includes(k) && !Array.isArray(v))
    .map(([k, v]) => ` ${k}=${String(v)}`)
    .join("")

export const btfDumpRawText = (btf: Btf): string => {
  const out: string[] = []
  for (let i = 0; i < btf.types.length; i++) {
    const id = btf.startId + i
    const t = btf.types[i]!
    const o = rawDumpType(id, t)
    let line = `[${id}] ${String(o["kind"])} '${String(o["name"])}'`
    switch (t.kind) {
      case BtfKind.Enum:
        line += ` encoding=${t.signed ? "SIGNED" : "UNSIGNED"} size=${t.size} vlen=${t.values.length}`
        for (const v of t.values) line += `\n\t'${v.name === "" ? "(anon)" : v.name}' val=${t.signed ? v.value : v.value >>> 0}`
        break
      case BtfKind.Enum64:
        line += ` encoding=${t.signed ? "SIGNED" : "UNSIGNED"} size=${t.size} vlen=${t.values.length}`
        for (const v of t.values) {
          const u = (BigInt(v.hi32 >>> 0) << 32n) | BigInt(v.lo32 >>> 0)
          line += `\n\t'${v.name === "" ? "(anon)" : v.name}' val=${t.signed ? `${BigInt.asIntN(64, u)}LL` : `${u}ULL`}`
        }
        break
      case BtfKind.Var:
        line += ` type_id=${String(o["type_id"])}, linkage=${String(o["linkage"])}`
        break
      case BtfKind.Datasec:
        line += ` size=${t.size} vlen=${t.vars.length}`
        for (const v of t.vars) {
          const target = btf.typeById(v.type)
          const label = target === undefined ? "" : ` (${rawDumpType(v.type, target)["kind"]} '${rawDumpType(v.type, target)["name"]}')`
          line += `\n\ttype_id=${v.type} offset=${v.offset} size=${v.size}${label}`
        }
        break
      default: {
        line += scalarKeys(o, ["id", "kind", "name"])
        for (const key of ["members", "params"]) {
          const list = o[key]
          if (!Array.isArray(list)) continue
          for (const m of list as ReadonlyArray<RawJsonObject>) line += `\n\t'${String(m["name"])}'${scalarKeys(m, ["name"])}`
        }
      }
    }
    out.push(line)
  }
  return out.length === 0 ? "" : `${out.join("\n")}\n`
}
