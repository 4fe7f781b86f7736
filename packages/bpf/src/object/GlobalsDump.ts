/**
 * Global variables printed as `bpftool map dump` prints a BTF-typed global-data map: bpftool's
 * btf_dumper (tools/bpf/bpftool/btf_dumper.c) in plain-text mode through its json_writer
 * (tools/bpf/bpftool/json_writer.c, pretty: four spaces per level; a value after a name on the
 * same line; a closing bracket on its own line only when something came before it).
 *
 * - DATASEC → { "<section>": [ { "<var>": value }, ... ] } (vars at their fixed-up offsets)
 * - INT: by encoding and width (%llu/%u/%hu/%hhu, signed %lld/%d/%hd/%hhd, CHAR: "c" when
 *   printable else 0x%hhx, BOOL true/false); a bitfield or odd width: 0x%llx (plain text)
 * - char arrays holding a NUL-terminated printable string: a JSON string (is_str_array);
 *   other arrays: [v,v,...]
 * - STRUCT/UNION: { "member": value, ... } (bitfields through the bitfield printer)
 * - ENUM: the enumerator's name when a value matches, else the signed number
 * - PTR: %p ("(nil)" for 0, else 0x…); FLOAT: %f
 * - typedefs and modifiers: the type they name
 * Values are read in the host's byte order, as bpftool reads the kernel's map.
 */
import type { Btf, BtfType, TypeId } from "../btf/BtfType.js";
import { BtfIntEncoding, BtfKind } from "../btf/BtfType.js";
import type { GlobalVarSpec, MapSpec } from "./MapSpec.js";

/** json_writer.c with pretty printing, as bpftool uses it for BTF dumps */
class JsonWriter {
	out = "";
	private depth = 0;
	private sep = "";
	constructor(private readonly pretty: boolean) {}
	private eol(): void {
		if (!this.pretty) return;
		this.out += "\n" + "    ".repeat(this.depth);
	}
	private eor(): void {
		this.out += this.sep;
		this.sep = ",";
	}
	begin(c: string): void {
		this.eor();
		this.out += c;
		this.depth++;
		this.sep = "";
	}
	end(c: string): void {
		this.depth--;
		if (this.sep !== "") this.eol();
		this.out += c;
		this.sep = ",";
	}
	name(n: string): void {
		this.eor();
		this.eol();
		this.sep = "";
		this.out += quote(n) + (this.pretty ? ": " : ":");
	}
	value(text: string): void {
		this.eor();
		this.out += text;
	}
}

/** jsonw_puts: quotes and escapes \t \n \r \f \b \\ \" */
const quote = (s: string): string => {
	let o = '"';
	for (const ch of s) {
		switch (ch) {
			case "\t":
				o += "\\t";
				break;
			case "\n":
				o += "\\n";
				break;
			case "\r":
				o += "\\r";
				break;
			case "\f":
				o += "\\f";
				break;
			case "\b":
				o += "\\b";
				break;
			case "\\":
				o += "\\\\";
				break;
			case '"':
				o += '\\"';
				break;
			default:
				o += ch;
		}
	}
	return o + '"';
};

const HOST_LE = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** unsigned little/host-order integer of `size` bytes at data[off] */
const readUnsigned = (data: Uint8Array, off: number, size: number): bigint => {
	let v = 0n;
	for (let i = 0; i < size; i++) {
		const b = BigInt(data[off + (HOST_LE ? size - 1 - i : i)] ?? 0);
		v = (v << 8n) | b;
	}
	return v;
};
const signed = (v: bigint, bits: number): bigint => BigInt.asIntN(bits, v);

const skipMods = (btf: Btf, id: TypeId): TypeId => {
	let cur = id;
	for (let i = 0; i < 64; i++) {
		const t = btf.typeById(cur);
		if (t === undefined) return cur;
		if (
			t.kind === BtfKind.Typedef ||
			t.kind === BtfKind.Volatile ||
			t.kind === BtfKind.Const ||
			t.kind === BtfKind.Restrict ||
			t.kind === BtfKind.TypeTag
		) {
			cur = t.type;
			continue;
		}
		return cur;
	}
	return cur;
};

const sizeOf = (btf: Btf, id: TypeId): number => {
	const t = btf.typeById(skipMods(btf, id));
	if (t === undefined) return 0;
	switch (t.kind) {
		case BtfKind.Int:
		case BtfKind.Struct:
		case BtfKind.Union:
		case BtfKind.Enum:
		case BtfKind.Enum64:
		case BtfKind.Float:
		case BtfKind.Datasec:
			return t.size;
		case BtfKind.Ptr:
			return 8;
		case BtfKind.Array:
			return t.nelems * sizeOf(btf, t.type);
		default:
			return 0;
	}
};

/** btf_dumper_bitfield in plain-text mode */
const bitfield = (
	w: JsonWriter,
	data: Uint8Array,
	off: number,
	bitOffset: number,
	bits: number,
): void => {
	const bytes = Math.ceil((bitOffset + bits) / 8);
	const raw = readUnsigned(data, off, bytes);
	const v = (raw >> BigInt(bitOffset)) & ((1n << BigInt(bits)) - 1n);
	w.value(`0x${v.toString(16)}`);
};

const isStrArray = (
	btf: Btf,
	elemId: TypeId,
	nelems: number,
	data: Uint8Array,
	off: number,
): boolean => {
	if (nelems === 0) return false;
	let t: BtfType | undefined = btf.typeById(elemId);
	while (
		t !== undefined &&
		(t.kind === BtfKind.Volatile ||
			t.kind === BtfKind.Const ||
			t.kind === BtfKind.Restrict ||
			t.kind === BtfKind.TypeTag)
	) {
		t = btf.typeById(t.type);
	}
	if (t === undefined || t.kind !== BtfKind.Int || t.size !== 1) return false;
	if ((t.encoding & BtfIntEncoding.Char) === 0 && t.name !== "char")
		return false;
	for (let i = 0; i < nelems; i++) {
		const c = data[off + i] ?? 0;
		const sc = c >= 0x80 ? c - 0x100 : c;
		if (c === 0) return true;
		if (sc <= 0x1f || sc >= 0x7f) return false;
	}
	return false;
};

const dumpType = (
	btf: Btf,
	w: JsonWriter,
	id: TypeId,
	bitOffset: number,
	data: Uint8Array,
	off: number,
): void => {
	const t = btf.typeById(id);
	if (t === undefined) {
		w.value("(void)");
		return;
	}
	switch (t.kind) {
		case BtfKind.Int: {
			const total = bitOffset + t.bitOffset;
			const at = off + (total >> 3);
			const bo = total & 7;
			if (bo !== 0 || t.bits !== Math.ceil(t.bits / 8) * 8) {
				bitfield(w, data, at, bo, t.bits);
				return;
			}
			const bytes = t.bits / 8;
			const u = readUnsigned(data, at, bytes);
			if (t.bits === 128) {
				w.value(`0x${u.toString(16)}`);
				return;
			}
			if ((t.encoding & BtfIntEncoding.Bool) !== 0) {
				w.value(u !== 0n ? "true" : "false");
				return;
			}
			if ((t.encoding & BtfIntEncoding.Char) !== 0) {
				const c = Number(u & 0xffn);
				{
					w.value(
						c >= 0x20 && c < 0x7f
							? quote(String.fromCharCode(c))
							: `0x${c.toString(16)}`,
					);
					return;
				}
			}
			if ((t.encoding & BtfIntEncoding.Signed) !== 0) {
				w.value(signed(u, t.bits).toString());
				return;
			}
			{
				w.value(u.toString());
				return;
			}
		}
		case BtfKind.Ptr: {
			const v = readUnsigned(data, off, 8);
			{
				w.value(v === 0n ? "(nil)" : `0x${v.toString(16)}`);
				return;
			}
		}
		case BtfKind.Array: {
			const elemSize = sizeOf(btf, t.type);
			const elem = btf.typeById(skipMods(btf, t.type));
			if (
				elem !== undefined &&
				elem.kind === BtfKind.Int &&
				elemSize === 1 &&
				isStrArray(btf, t.type, t.nelems, data, off)
			) {
				let s = "";
				for (let i = off; data[i] !== 0; i++)
					s += String.fromCharCode(data[i]!);
				{
					w.value(quote(s));
					return;
				}
			}
			w.begin("[");
			for (let i = 0; i < t.nelems; i++)
				dumpType(btf, w, t.type, 0, data, off + i * elemSize);
			{
				w.end("]");
				return;
			}
		}
		case BtfKind.Struct:
		case BtfKind.Union: {
			w.begin("{");
			for (const m of t.members) {
				const at = off + (m.bitOffset >> 3);
				w.name(m.name);
				if (m.bitfieldSize !== 0)
					bitfield(w, data, at, m.bitOffset & 7, m.bitfieldSize);
				else dumpType(btf, w, m.type, m.bitOffset & 7, data, at);
			}
			{
				w.end("}");
				return;
			}
		}
		case BtfKind.Enum:
		case BtfKind.Enum64: {
			const v = signed(readUnsigned(data, off, t.size), t.size * 8);
			for (const e of t.values) {
				const ev =
					"value" in e
						? BigInt(e.value)
						: signed((BigInt(e.hi32 >>> 0) << 32n) | BigInt(e.lo32 >>> 0), 64);
				if (ev === v) {
					w.value(quote(e.name));
					return;
				}
			}
			{
				w.value(v.toString());
				return;
			}
		}
		case BtfKind.Float: {
			const dv = new DataView(data.buffer, data.byteOffset + off, t.size);
			const f =
				t.size === 4
					? dv.getFloat32(0, HOST_LE)
					: t.size === 8
						? dv.getFloat64(0, HOST_LE)
						: Number.NaN;
			{
				w.value(f.toFixed(6));
				return;
			}
		}
		case BtfKind.Typedef:
		case BtfKind.Volatile:
		case BtfKind.Const:
		case BtfKind.Restrict:
		case BtfKind.TypeTag: {
			dumpType(btf, w, t.type, bitOffset, data, off);
			return;
		}
		case BtfKind.Var:
			w.begin("{");
			w.name(t.name);
			dumpType(btf, w, t.type, 0, data, off);
			{
				w.end("}");
				return;
			}
		default: {
			w.value(quote(`<${t.kind}>`));
			return;
		}
	}
};

/**
 * `bpftool map dump` of a global-data map (one element, no key BTF) with the value bytes after
 * runs: the exact text bpftool prints, trailing newline included.
 */
export const dumpGlobalsMap = (
	btf: Btf,
	spec: MapSpec,
	value: Uint8Array,
): string => {
	const w = new JsonWriter(true);
	w.begin("[");
	w.begin("{");
	w.name("value");
	w.begin("{");
	w.name(spec.section);
	w.begin("[");
	for (const v of spec.vars) dumpType(btf, w, v.typeId, 0, value, v.offset);
	w.end("]");
	w.end("}");
	w.end("}");
	w.end("]");
	return w.out + "\n";
};

/** One variable: its value as bpftool renders it, on one line (json_writer without pretty printing). */
export const formatGlobal = (
	btf: Btf,
	v: GlobalVarSpec,
	value: Uint8Array,
): string => {
	const w = new JsonWriter(false);
	const varType = btf.typeById(v.typeId);
	dumpType(
		btf,
		w,
		varType !== undefined && varType.kind === BtfKind.Var
			? varType.type
			: v.typeId,
		0,
		value,
		v.offset,
	);
	return w.out;
};

/** Every variable of a global-data map by name, formatted (formatGlobal). */
export const globalsOf = (
	btf: Btf,
	spec: MapSpec,
	value: Uint8Array,
): ReadonlyArray<{
	readonly name: string;
	readonly offset: number;
	readonly size: number;
	readonly text: string;
}> =>
	spec.vars.map((v) => ({
		name: v.name,
		offset: v.offset,
		size: v.size,
		text: formatGlobal(btf, v, value),
	}));
