/**
 * Flavor names and target candidate search (libbpf src/libbpf.c bpf_core_essential_name_len,
 * bpf_core_add_cands, bpf_core_find_cands), and the per-object candidate cache.
 *
 * Contract:
 * - A candidate for local type L is a named target type T with btf_kind_core_compat(T, L) whose
 *   essential name (flavor suffix `___xxx` stripped) equals L's, byte for byte.
 * - Scope "flat" scans target ids 1 .. typeCount-1 in id order, base and split alike: libbpf with
 *   btf_custom_path (the override BTF is the only "vmlinux"), and the oracle's flattened split
 *   targets. Scope "baseThenSplit" is libbpf against a live kernel with module BTF: the base
 *   ("vmlinux") first, and the split part (the "module", from its startId) only when the base
 *   gave no candidate.
 * - The cache maps a local type id to its candidate list for the whole object (every program);
 *   CoreRelocator prunes a list to the matching candidates after each relocation that matched at
 *   least one, so results depend on relocation order exactly as in libbpf.
 */
import type { Btf, TypeId } from "../btf/BtfType.js"
import { btfKindStr, type CoreType, kindCoreCompat, nameOf, typeAt } from "./CoreBtfView.js"

/**
 * bpf_core_essential_name_len, libbpf src/libbpf.c: the length of `name` before its last
 * `X___Y` flavor separator (X and Y not '_'), scanning from strlen-5 down to 0.
 * `foo___v2` -> 3, `a___b___c` -> 5, `foo____v2` -> 9 (no separator).
 */
export const essentialNameLen = (name: string): number => {
  const n = name.length
  for (let i = n - 5; i >= 0; i--) {
    if (name[i] !== "_" && name[i + 1] === "_" && name[i + 2] === "_" && name[i + 3] === "_" && name[i + 4] !== "_") {
      return i + 1
    }
  }
  return n
}

/** The essential name: `name` without its flavor suffix. */
export const essentialName = (name: string): string => name.slice(0, essentialNameLen(name))

export type CandidateScope = "flat" | "baseThenSplit"

export interface CoreCandidate {
  /** type id in the target Btf (base ids included) */
  readonly id: TypeId
}

/** One "found target candidate" event, in libbpf's log order. */
export interface CandidateFound {
  readonly localId: TypeId
  readonly localKind: string
  readonly localName: string
  readonly targetId: TypeId
  readonly targetKind: string
  readonly targetName: string
  /** libbpf's BTF name: "vmlinux" for the main/override BTF, the module name for split parts */
  readonly btfName: string
}

const addCands = (
  local: CoreType,
  localName: string,
  essentLen: number,
  target: Btf,
  startId: TypeId,
  endId: TypeId,
  btfName: string,
  localId: TypeId,
  out: Array<CoreCandidate>,
  found: Array<CandidateFound>
): void => {
  const essent = localName.slice(0, essentLen)
  for (let id = startId; id < endId; id++) {
    const t = typeAt(target, id)
    if (t === undefined || !kindCoreCompat(t, local)) continue
    const name = nameOf(t)
    if (name === "") continue
    if (essentialNameLen(name) !== essentLen || !name.startsWith(essent)) continue
    found.push({
      localId,
      localKind: btfKindStr(local.kind),
      localName,
      targetId: id,
      targetKind: btfKindStr(t.kind),
      targetName: name,
      btfName
    })
    out.push({ id })
  }
}

export type FindCandsResult =
  | { readonly ok: true; readonly cands: Array<CoreCandidate>; readonly found: ReadonlyArray<CandidateFound> }
  | { readonly ok: false; readonly errno: "EINVAL" }

/** bpf_core_find_cands: EINVAL for an id past the end of the local BTF or an anonymous local type. */
export const findCandidates = (
  localBtf: Btf,
  localId: TypeId,
  target: Btf,
  scope: CandidateScope,
  moduleName: string
): FindCandsResult => {
  const local = typeAt(localBtf, localId)
  if (local === undefined) return { ok: false, errno: "EINVAL" }
  const localName = nameOf(local)
  if (localName === "") return { ok: false, errno: "EINVAL" }
  const essentLen = essentialNameLen(localName)
  const cands: Array<CoreCandidate> = []
  const found: Array<CandidateFound> = []
  if (scope === "flat" || target.base === undefined) {
    addCands(local, localName, essentLen, target, 1, target.typeCount, "vmlinux", localId, cands, found)
    return { ok: true, cands, found }
  }
  addCands(local, localName, essentLen, target, 1, target.startId, "vmlinux", localId, cands, found)
  if (cands.length > 0) return { ok: true, cands, found }
  addCands(local, localName, essentLen, target, target.startId, target.typeCount, moduleName, localId, cands, found)
  return { ok: true, cands, found }
}

/** The object-wide candidate cache (libbpf's cand_cache hashmap keyed by local type id). */
export class CandidateCache {
  private readonly lists = new Map<TypeId, { cands: Array<CoreCandidate> }>()

  get(localId: TypeId): { cands: Array<CoreCandidate> } | undefined {
    return this.lists.get(localId)
  }

  set(localId: TypeId, cands: Array<CoreCandidate>): { cands: Array<CoreCandidate> } {
    const entry = { cands }
    this.lists.set(localId, entry)
    return entry
  }

  /** the current (possibly pruned) candidate ids per local type id, for inspection */
  snapshot(): ReadonlyMap<TypeId, ReadonlyArray<TypeId>> {
    const out = new Map<TypeId, ReadonlyArray<TypeId>>()
    for (const [k, v] of this.lists) out.set(k, v.cands.map((c) => c.id))
    return out
  }
}
