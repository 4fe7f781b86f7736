/**
 * Matching a local access spec against one target candidate (libbpf src/relo_core.c
 * bpf_core_spec_match and bpf_core_match_member), producing the target spec.
 *
 * Contract: returns 1 (match; `targ` is the full target spec), 0 (no match; `targ` holds
 * whatever partial state libbpf's matcher leaves, which its debug log prints), or a negative
 * errno. This is a literal port of libbpf's state machine, including its speculative pushes
 * onto the low-level spec while searching anonymous members and the accessor it pops when a
 * named member's type is incompatible.
 */
import type { Btf, TypeId } from "../btf/BtfType.js"
import { BtfKind } from "../btf/BtfType.js"
import { BPF_CORE_SPEC_MAX_LEN, type CoreSpec, isFlexArr, u32Add, u32BitsOf } from "./CoreAccessSpec.js"
import { essentialNameLen } from "./CoreCandidates.js"
import { isAnyEnum, isComposite, memberBitOffset, resolveSize, skipModsAndTypedefs, typeAt } from "./CoreBtfView.js"
import { Errno } from "../kernel/Errno.js"
import { CoreReloKind, isEnumvalBased, isFieldBased, isTypeBased } from "./CoreRelocKind.js"
import { fieldsAreCompat, typesAreCompat, typesMatch } from "./TypeCompat.js"

/** bpf_core_match_member: 1 found, 0 not found, <0 error; `next.id` receives the member's type */
const matchMember = (
  local: CoreSpec,
  localAccIdx: number,
  targBtf: Btf,
  targIdIn: TypeId,
  spec: CoreSpec,
  next: { id: TypeId },
  depth: number
): number => {
  if (depth > BPF_CORE_SPEC_MAX_LEN * 2) return -Errno.E2BIG
  const s = skipModsAndTypedefs(targBtf, targIdIn)
  if (s.type === undefined) return -Errno.EINVAL
  const targType = s.type
  const targId = s.id
  if (!isComposite(targType)) return 0

  const localAcc = local.spec[localAccIdx]!
  const localType = typeAt(local.btf, localAcc.typeId)
  if (localType === undefined || !isComposite(localType)) return -Errno.EINVAL
  const localMember = localType.members[localAcc.idx]!
  const localName = localMember.name

  for (let i = 0; i < targType.members.length; i++) {
    const m = targType.members[i]!
    const bitOffset = memberBitOffset(targType, i)
    if (spec.rawLen === BPF_CORE_SPEC_MAX_LEN) return -Errno.E2BIG
    // speculate this member will be the good one
    spec.bitOffset = u32Add(spec.bitOffset, bitOffset)
    spec.rawSpec[spec.rawLen++] = i
    if (m.name === "") {
      // embedded struct/union, go deeper
      const found = matchMember(local, localAccIdx, targBtf, m.type, spec, next, depth + 1)
      if (found !== 0) return found
    } else if (localName === m.name) {
      spec.spec[spec.len++] = { typeId: targId, idx: i, name: m.name }
      next.id = m.type
      const found = fieldsAreCompat(local.btf, localMember.type, targBtf, m.type)
      if (found === 0) spec.len-- // pop accessor
      return found
    }
    // not what we looked for
    spec.bitOffset = u32Add(spec.bitOffset, -bitOffset)
    spec.rawLen--
  }
  return 0
}

/** bpf_core_spec_match: match `local` against target candidate `targId`, filling `targ`. */
export const specMatch = (local: CoreSpec, targBtf: Btf, targIdIn: TypeId, targ: CoreSpec): number => {
  targ.rootTypeId = targIdIn
  targ.reloKind = local.reloKind
  targ.len = 0
  targ.rawLen = 0
  targ.bitOffset = 0
  targ.spec.length = 0
  targ.rawSpec.length = 0

  if (isTypeBased(local.reloKind)) {
    if (local.reloKind === CoreReloKind.TypeMatches) return typesMatch(local.btf, local.rootTypeId, targBtf, targIdIn)
    return typesAreCompat(local.btf, local.rootTypeId, targBtf, targIdIn)
  }

  const localAcc0 = local.spec[0]!
  if (isEnumvalBased(local.reloKind)) {
    const s = skipModsAndTypedefs(targBtf, targIdIn)
    if (s.type === undefined || !isAnyEnum(s.type)) return 0
    const localName = localAcc0.name ?? ""
    const localLen = essentialNameLen(localName)
    for (let i = 0; i < s.type.values.length; i++) {
      const targName = s.type.values[i]!.name
      if (essentialNameLen(targName) !== localLen) continue
      if (localName.slice(0, localLen) === targName.slice(0, localLen)) {
        targ.spec[0] = { typeId: s.id, idx: i, name: targName }
        targ.len++
        targ.rawSpec[targ.rawLen++] = i
        return 1
      }
    }
    return 0
  }

  if (!isFieldBased(local.reloKind)) return -Errno.EINVAL

  let targId = targIdIn
  for (let i = 0; i < local.len; i++) {
    const s = skipModsAndTypedefs(targBtf, targId)
    if (s.type === undefined) return -Errno.EINVAL
    const targType = s.type
    targId = s.id
    const localAcc = local.spec[i]!
    if (localAcc.name !== undefined) {
      const next = { id: targId }
      const matched = matchMember(local, i, targBtf, targId, targ, next, 0)
      if (matched <= 0) return matched
      targId = next.id
    } else {
      // for i = 0, targId is already treated as the array element type (the root struct)
      if (i > 0) {
        if (targType.kind !== BtfKind.Array) return 0
        const flex = isFlexArr(targBtf, targ.spec[targ.len - 1]!, targType.nelems)
        if (!flex && localAcc.idx >= targType.nelems) return 0
        const elem = skipModsAndTypedefs(targBtf, targType.type)
        if (elem.type === undefined) return -Errno.EINVAL
        targId = elem.id
      }
      if (targ.rawLen === BPF_CORE_SPEC_MAX_LEN) return -Errno.E2BIG
      targ.spec[targ.len++] = { typeId: targId, idx: localAcc.idx, name: undefined }
      targ.rawSpec[targ.rawLen++] = localAcc.idx
      const sz = resolveSize(targBtf, targId)
      if (!sz.ok) return -Errno[sz.errno]
      targ.bitOffset = u32Add(targ.bitOffset, u32BitsOf(localAcc.idx, sz.size))
    }
  }
  return 1
}
