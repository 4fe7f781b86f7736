/**
 * The CO-RE relocator: resolves relocation records (insn_off, type_id, access string, kind)
 * of a program's local BTF against a target BTF, with libbpf 1.1.2 semantics
 * (libbpf src/libbpf.c bpf_core_resolve_relo + src/relo_core.c bpf_core_calc_relo_insn).
 *
 * Contract:
 * - Independent of ELF: records may come from a .BTF.ext (see CoreObjectRelocator.ts) or from
 *   program declarations written in TypeScript with a BtfBuilder-made local BTF.
 * - One CoreRelocator is one libbpf object: its candidate cache (per local type id) is shared by
 *   every relocation resolved through it and pruned to the matching candidates after each
 *   relocation that matched at least one, so results depend on the order of `resolve` calls
 *   exactly as libbpf's depend on the order of relocations in the object.
 * - `resolve` returns the local ("orig") and target ("new") values, or `poison` (no candidate
 *   matched and the kind has no "missing" value), or a typed error (CoreErrors.ts); it never
 *   throws. A failed relocation leaves the candidate list exactly as libbpf's in-place pruning
 *   loop leaves it when it returns early (libbpf then aborts the load; relocateAll continues).
 * - `log` receives libbpf's debug/warning lines for the relocation, worded and numbered as
 *   libbpf prints them (without the "libbpf: " prefix), which the parity tests compare with
 *   libbpf's own log.
 */
import { Result } from "effect"
import type { Btf, TypeId } from "../btf/BtfType.js"
import { type CoreSpec, emptySpec, formatCoreSpec, parseCoreSpec } from "./CoreAccessSpec.js"
import { btfKindStr, nameOf, typeAt } from "./CoreBtfView.js"
import { type CoreReloRes, calcRelo, emptyRes } from "./CoreCalc.js"
import { CandidateCache, type CandidateScope, findCandidates } from "./CoreCandidates.js"
import { Errno, type ErrnoName, errnoName } from "../kernel/Errno.js"
import {
  CoreAmbiguityError,
  CoreCalcError,
  CoreCandidateError,
  CoreMatchError,
  type CoreReloIdentity,
  type CoreRelocationError,
  CoreSpecError
} from "./CoreErrors.js"
import { CoreReloKind } from "./CoreRelocKind.js"
import { specMatch } from "./CoreSpecMatch.js"

/** One CO-RE relocation record (struct bpf_core_relo with its access string resolved). */
export interface CoreRelocation {
  /** byte offset of the instruction (section-relative in ELF objects; only reported here) */
  readonly insnOff: number
  /** local root type id */
  readonly typeId: TypeId
  readonly accessStr: string
  /** CoreReloKind (uapi number) */
  readonly kind: number
}

export interface CoreRelocatorOptions {
  /** where candidates are searched (CoreCandidates.ts); default "flat" (libbpf with btf_custom_path) */
  readonly scope?: CandidateScope
  /** name printed for candidates found in a split target's own part under "baseThenSplit" */
  readonly moduleName?: string
  /** the byte order of the machine running the program, for FIELD_LSHIFT_U64; default little */
  readonly bigEndian?: boolean
  /** libbpf-style log lines */
  readonly log?: (line: string) => void
}

export interface CoreCandidateOutcome {
  readonly id: TypeId
  readonly matched: boolean
  /** the target spec as libbpf prints it (partial for non-matching candidates) */
  readonly spec: string
}

export interface CoreReloResult extends CoreReloRes {
  readonly kind: number
  /** the local spec as libbpf prints it */
  readonly localSpec: string
  /** the candidates tried, in order (empty for TYPE_ID_LOCAL) */
  readonly candidates: ReadonlyArray<CoreCandidateOutcome>
  /** root type id of the first matching candidate; undefined when none matched */
  readonly targetTypeId: TypeId | undefined
  /** the first matching candidate's spec as libbpf prints it */
  readonly targetSpec: string | undefined
}

export interface CoreResolveContext {
  /** relocation index as libbpf numbers it (index within the .BTF.ext section) */
  readonly reloIndex: number
  readonly progName: string
}

export class CoreRelocator {
  readonly candidateCache = new CandidateCache()
  private readonly scope: CandidateScope
  private readonly moduleName: string
  private readonly bigEndian: boolean
  private readonly log: (line: string) => void

  constructor(
    readonly localBtf: Btf,
    readonly targetBtf: Btf,
    options: CoreRelocatorOptions = {}
  ) {
    this.scope = options.scope ?? "flat"
    this.moduleName = options.moduleName ?? "module"
    this.bigEndian = options.bigEndian ?? false
    this.log = options.log ?? (() => {})
  }

  /** bpf_core_resolve_relo + bpf_core_calc_relo_insn for one relocation. */
  resolve(relo: CoreRelocation, ctx: CoreResolveContext): Result.Result<CoreReloResult, CoreRelocationError> {
    const { reloIndex, progName } = ctx
    const id: CoreReloIdentity = {
      reloIndex,
      progName,
      insnOff: relo.insnOff,
      typeId: relo.typeId,
      accessStr: relo.accessStr,
      kind: relo.kind
    }
    const pfx = `prog '${progName}': relo #${reloIndex}:`
    const localType = typeAt(this.localBtf, relo.typeId)
    if (localType === undefined) {
      return Result.fail(new CoreCandidateError({ ...id, errno: "EINVAL", reason: `local type id ${relo.typeId} does not exist` }))
    }
    const localName = nameOf(localType)
    const localKindStr = btfKindStr(localType.kind)

    let entry = this.candidateCache.get(relo.typeId)
    if (relo.kind !== CoreReloKind.TypeIdLocal && entry === undefined) {
      const found = findCandidates(this.localBtf, relo.typeId, this.targetBtf, this.scope, this.moduleName)
      if (!found.ok) {
        const line = `${pfx} target candidate search failed for [${relo.typeId}] ${localKindStr} ${localName}: -${Errno[found.errno]}`
        this.log(line)
        return Result.fail(new CoreCandidateError({ ...id, errno: found.errno, reason: line.slice(pfx.length + 1) }))
      }
      for (const f of found.found) {
        this.log(
          `CO-RE relocating [${f.localId}] ${f.localKind} ${f.localName}: found target candidate [${f.targetId}] ${f.targetKind} ${f.targetName} in [${f.btfName}]`
        )
      }
      entry = this.candidateCache.set(relo.typeId, found.cands)
    }

    // bpf_core_calc_relo_insn
    const localSpec = emptySpec(this.localBtf, relo.typeId, relo.kind)
    const perr = parseCoreSpec(this.localBtf, relo.typeId, relo.accessStr, relo.kind, localSpec, this.log, progName)
    if (perr !== 0) {
      const line = `${pfx} parsing [${relo.typeId}] ${localKindStr} ${localName === "" ? "<anon>" : localName} + ${relo.accessStr} failed: -${perr}`
      this.log(line)
      return Result.fail(new CoreSpecError({ ...id, errno: "EINVAL", reason: line.slice(pfx.length + 1) }))
    }
    const localSpecStr = formatCoreSpec(localSpec)
    this.log(`${pfx} ${localSpecStr}`)

    if (relo.kind === CoreReloKind.TypeIdLocal) {
      // type ids in instructions may go out of sync during linking: not validated
      const res = emptyRes()
      res.validate = false
      res.origValue = BigInt(localSpec.rootTypeId)
      res.newValue = BigInt(localSpec.rootTypeId)
      return Result.succeed({
        ...res,
        kind: relo.kind,
        localSpec: localSpecStr,
        candidates: [],
        targetTypeId: undefined,
        targetSpec: undefined
      })
    }
    if (localName === "") {
      const reason = `<${localSpecStr.slice(1, localSpecStr.indexOf(">"))}> (${relo.kind}) relocation doesn't support anonymous types`
      this.log(`${pfx} ${reason}`)
      return Result.fail(new CoreCandidateError({ ...id, errno: "EOPNOTSUPP", reason }))
    }
    const cands = entry!.cands
    const calcCtx = {
      progName,
      kind: relo.kind,
      insnOff: relo.insnOff,
      bigEndian: this.bigEndian,
      warn: this.log
    }
    const outcomes: Array<CoreCandidateOutcome> = []
    let targRes: CoreReloRes | undefined
    let targSpec: CoreSpec | undefined
    let targId: TypeId | undefined
    let j = 0
    for (let i = 0; i < cands.length; i++) {
      const cand = cands[i]!
      const candSpec = emptySpec(this.targetBtf, cand.id, relo.kind)
      const err = specMatch(localSpec, this.targetBtf, cand.id, candSpec)
      const candStr = formatCoreSpec(candSpec)
      if (err < 0) {
        const line = `${pfx} error matching candidate #${i} ${candStr}: ${err}`
        this.log(line)
        return Result.fail(
          new CoreMatchError({ ...id, candidateId: cand.id, errno: errnoName(-err) as ErrnoName, reason: line.slice(pfx.length + 1) })
        )
      }
      this.log(`${pfx} ${err === 0 ? "non-matching" : "matching"} candidate #${i} ${candStr}`)
      outcomes.push({ id: cand.id, matched: err > 0, spec: candStr })
      if (err === 0) continue

      const candRes = emptyRes()
      const cerr = calcRelo(calcCtx, reloIndex, localSpec, candSpec, candRes)
      if (cerr !== 0) {
        return Result.fail(new CoreCalcError({ ...id, errno: errnoName(-cerr) as ErrnoName, reason: calcReason(-cerr) }))
      }
      if (targRes === undefined || targSpec === undefined) {
        targRes = candRes
        targSpec = candSpec
        targId = cand.id
      } else if (candSpec.bitOffset !== targSpec.bitOffset) {
        // several field candidates must resolve to the same bit offset
        const reason = `field offset ambiguity: ${candSpec.bitOffset >>> 0} != ${targSpec.bitOffset >>> 0}`
        this.log(`${pfx} ${reason}`)
        return Result.fail(
          new CoreAmbiguityError({ ...id, errno: "EINVAL", reason, ambiguity: "offset", candidateIds: [cand.id, targId!] })
        )
      } else if (candRes.poison !== targRes.poison || candRes.newValue !== targRes.newValue) {
        // every candidate must lead to the same decision and value
        const reason = `relocation decision ambiguity: ${candRes.poison ? "failure" : "success"} ${candRes.newValue} != ${targRes.poison ? "failure" : "success"} ${targRes.newValue}`
        this.log(`${pfx} ${reason}`)
        return Result.fail(
          new CoreAmbiguityError({ ...id, errno: "EINVAL", reason, ambiguity: "decision", candidateIds: [cand.id, targId!] })
        )
      }
      // compact matching candidates to the front in place, as libbpf does
      cands[j++] = cand
    }
    // prune the shared list to the matching candidates; keep it whole when none matched
    if (j > 0) cands.length = j

    let res: CoreReloRes
    if (targRes === undefined) {
      this.log(`${pfx} no matching targets found`)
      res = emptyRes()
      const cerr = calcRelo(calcCtx, reloIndex, localSpec, undefined, res)
      if (cerr !== 0) {
        return Result.fail(new CoreCalcError({ ...id, errno: errnoName(-cerr) as ErrnoName, reason: calcReason(-cerr) }))
      }
    } else {
      res = targRes
    }
    return Result.succeed({
      ...res,
      kind: relo.kind,
      localSpec: localSpecStr,
      candidates: outcomes,
      targetTypeId: targId,
      targetSpec: targSpec === undefined ? undefined : formatCoreSpec(targSpec)
    })
  }
}

const calcReason = (errno: number): string => {
  switch (errno) {
    case Errno.E2BIG:
      return "bitfield can't be read with a 64-bit load"
    case Errno.EOPNOTSUPP:
      return "unrecognized CO-RE relocation"
    default:
      return "relocation value cannot be computed"
  }
}

/**
 * Resolves `relos` in order through one CoreRelocator (one shared candidate cache), numbering
 * them by array index. Unlike libbpf's object load, it continues after a failure, so every
 * relocation gets an outcome.
 */
export const relocateAll = (
  localBtf: Btf,
  relos: ReadonlyArray<CoreRelocation>,
  targetBtf: Btf,
  options: CoreRelocatorOptions & { readonly progName?: string } = {}
): Array<Result.Result<CoreReloResult, CoreRelocationError>> => {
  const relocator = new CoreRelocator(localBtf, targetBtf, options)
  const progName = options.progName ?? "prog"
  return relos.map((relo, reloIndex) => relocator.resolve(relo, { reloIndex, progName }))
}
