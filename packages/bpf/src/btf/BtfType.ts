/**
 * The BTF type model: one TypeScript shape per BTF kind (include/uapi/linux/btf.h).
 *
 * Contract:
 * - A model value holds names as strings, never string-section offsets: the encoder assigns
 *   offsets (deduplicated, base strings reused for split BTF), the decoder resolves them.
 *   So decode(encode(x)) == x holds for every model value.
 * - Type references are type ids (numbers). Id 0 is `void` and is never a record.
 *   In split BTF, ids below `startId` refer to the base.
 * - `kindFlag` is kept wherever the kernel gives it a meaning (STRUCT/UNION bitfield
 *   encoding, ENUM/ENUM64 signedness, FWD struct-vs-union, DECL_TAG/TYPE_TAG attribute
 *   tags), so a decoded blob re-encodes to the same bytes.
 * - 64-bit enum values are two u32 halves (`lo32`, `hi32`), as btf_enum64 stores them.
 */

/** BTF_KIND_* (include/uapi/linux/btf.h). */
export const BtfKind = {
	Unknown: 0,
	Int: 1,
	Ptr: 2,
	Array: 3,
	Struct: 4,
	Union: 5,
	Enum: 6,
	Fwd: 7,
	Typedef: 8,
	Volatile: 9,
	Const: 10,
	Restrict: 11,
	Func: 12,
	FuncProto: 13,
	Var: 14,
	Datasec: 15,
	Float: 16,
	DeclTag: 17,
	TypeTag: 18,
	Enum64: 19,
} as const;
export type BtfKind = (typeof BtfKind)[keyof typeof BtfKind];

/** bpftool's kind names, as printed by `bpftool btf dump ... format raw` (btf_kind_str). */
export const BtfKindName: Readonly<Record<BtfKind, string>> = {
	0: "UNKNOWN",
	1: "INT",
	2: "PTR",
	3: "ARRAY",
	4: "STRUCT",
	5: "UNION",
	6: "ENUM",
	7: "FWD",
	8: "TYPEDEF",
	9: "VOLATILE",
	10: "CONST",
	11: "RESTRICT",
	12: "FUNC",
	13: "FUNC_PROTO",
	14: "VAR",
	15: "DATASEC",
	16: "FLOAT",
	17: "DECL_TAG",
	18: "TYPE_TAG",
	19: "ENUM64",
};

/** BTF_INT_* encoding bits (include/uapi/linux/btf.h). */
export const BtfIntEncoding = {
	Signed: 1 << 0,
	Char: 1 << 1,
	Bool: 1 << 2,
} as const;

/** FUNC linkage (enum btf_func_linkage) and VAR linkage (BTF_VAR_*). */
export const BtfFuncLinkage = { Static: 0, Global: 1, Extern: 2 } as const;
export const BtfVarLinkage = {
	Static: 0,
	GlobalAllocated: 1,
	GlobalExtern: 2,
} as const;

export type TypeId = number;

export interface BtfInt {
	readonly kind: typeof BtfKind.Int;
	readonly name: string;
	/** bytes */
	readonly size: number;
	/** BtfIntEncoding bits */
	readonly encoding: number;
	/** BTF_INT_OFFSET */
	readonly bitOffset: number;
	/** BTF_INT_BITS */
	readonly bits: number;
}

/** PTR, TYPEDEF, VOLATILE, CONST, RESTRICT, TYPE_TAG: a name (TYPEDEF/TYPE_TAG only) and one reference. */
export interface BtfRef {
	readonly kind:
		| typeof BtfKind.Ptr
		| typeof BtfKind.Typedef
		| typeof BtfKind.Volatile
		| typeof BtfKind.Const
		| typeof BtfKind.Restrict
		| typeof BtfKind.TypeTag;
	readonly name: string;
	readonly type: TypeId;
	/** meaningful for TYPE_TAG (attribute tag); false elsewhere */
	readonly kindFlag: boolean;
}

export interface BtfArray {
	readonly kind: typeof BtfKind.Array;
	readonly type: TypeId;
	readonly indexType: TypeId;
	readonly nelems: number;
}

export interface BtfMember {
	readonly name: string;
	readonly type: TypeId;
	/** bit offset from the start of the struct */
	readonly bitOffset: number;
	/** 0 unless a bitfield (with kindFlag=1 encoding, or from the INT's bits with kindFlag=0) */
	readonly bitfieldSize: number;
}

export interface BtfComposite {
	readonly kind: typeof BtfKind.Struct | typeof BtfKind.Union;
	readonly name: string;
	readonly size: number;
	/** 1: member offsets carry bitfield_size << 24 | bit_offset */
	readonly kindFlag: boolean;
	readonly members: ReadonlyArray<BtfMember>;
}

export interface BtfEnumValue {
	readonly name: string;
	/** the s32 as stored (signed interpretation); unsigned enums read it with >>> 0 */
	readonly value: number;
}

export interface BtfEnum {
	readonly kind: typeof BtfKind.Enum;
	readonly name: string;
	readonly size: number;
	/** kind_flag: values are signed */
	readonly signed: boolean;
	readonly values: ReadonlyArray<BtfEnumValue>;
}

export interface BtfEnum64Value {
	readonly name: string;
	readonly lo32: number;
	readonly hi32: number;
}

export interface BtfEnum64 {
	readonly kind: typeof BtfKind.Enum64;
	readonly name: string;
	readonly size: number;
	readonly signed: boolean;
	readonly values: ReadonlyArray<BtfEnum64Value>;
}

export interface BtfFwd {
	readonly kind: typeof BtfKind.Fwd;
	readonly name: string;
	/** kind_flag: 0 struct, 1 union */
	readonly union: boolean;
}

export interface BtfFunc {
	readonly kind: typeof BtfKind.Func;
	readonly name: string;
	/** FUNC_PROTO id */
	readonly type: TypeId;
	/** BtfFuncLinkage, stored in vlen */
	readonly linkage: number;
}

export interface BtfParam {
	readonly name: string;
	/** 0 with an empty name on the last param = varargs */
	readonly type: TypeId;
}

export interface BtfFuncProto {
	readonly kind: typeof BtfKind.FuncProto;
	readonly returnType: TypeId;
	readonly params: ReadonlyArray<BtfParam>;
}

export interface BtfVar {
	readonly kind: typeof BtfKind.Var;
	readonly name: string;
	readonly type: TypeId;
	/** BtfVarLinkage */
	readonly linkage: number;
}

export interface BtfVarSecinfo {
	readonly type: TypeId;
	readonly offset: number;
	readonly size: number;
}

export interface BtfDatasec {
	readonly kind: typeof BtfKind.Datasec;
	readonly name: string;
	readonly size: number;
	readonly vars: ReadonlyArray<BtfVarSecinfo>;
}

export interface BtfFloat {
	readonly kind: typeof BtfKind.Float;
	readonly name: string;
	readonly size: number;
}

export interface BtfDeclTag {
	readonly kind: typeof BtfKind.DeclTag;
	/** the tag string */
	readonly name: string;
	readonly type: TypeId;
	/** -1: the whole entity; otherwise the member or parameter index */
	readonly componentIdx: number;
	readonly kindFlag: boolean;
}

export type BtfType =
	| BtfInt
	| BtfRef
	| BtfArray
	| BtfComposite
	| BtfEnum
	| BtfEnum64
	| BtfFwd
	| BtfFunc
	| BtfFuncProto
	| BtfVar
	| BtfDatasec
	| BtfFloat
	| BtfDeclTag;

/** The name a type carries (empty for anonymous and for kinds without a name). */
export const typeName = (t: BtfType): string =>
	t.kind === BtfKind.Array || t.kind === BtfKind.FuncProto ? "" : t.name;

/**
 * A decoded or built BTF object, standalone or split on a base.
 *
 * Ids: own types are `startId .. startId + types.length - 1`; `startId` is 1 for standalone
 * BTF and `base.typeCount` for split BTF (libbpf's btf__type_cnt semantics: last id + 1).
 */
export interface Btf {
	readonly base: Btf | undefined;
	readonly startId: number;
	/** own types only; types[i] has id startId + i */
	readonly types: ReadonlyArray<BtfType>;
	/** last id + 1, counting the base (btf__type_cnt) */
	readonly typeCount: number;
	/** byte order of the blob it was decoded from (encoders default to little) */
	readonly littleEndian: boolean;
	/** the type with this id, searching the base; undefined for 0 (void) and out-of-range ids */
	typeById(id: TypeId): BtfType | undefined;
}
