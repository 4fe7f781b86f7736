/* Oracle for the encoder byte-identity test: builds a fixed set of types with libbpf's BTF
 * writer (btf__new_empty / btf__new_empty_split + btf__add_*) and writes btf__raw_data in
 * little- and big-endian order. Usage: libbpf_writer OUT_LE OUT_BE [BASE_RAW_BTF]
 * Build: gcc -O2 libbpf_writer.c -o libbpf_writer -lbpf  (the test compiles it itself). */
#include <stdio.h>
#include <stdlib.h>
#include <bpf/btf.h>

static void die(const char *what, long err)
{
	fprintf(stderr, "%s failed: %ld\n", what, err);
	exit(1);
}
#define CHECK(x) do { long __r = (long)(x); if (__r < 0) die(#x, __r); } while (0)

static void write_raw(struct btf *btf, enum btf_endianness e, const char *path)
{
	__u32 size;
	const void *data;
	FILE *f;

	CHECK(btf__set_endianness(btf, e));
	data = btf__raw_data(btf, &size);
	if (!data) die("btf__raw_data", -1);
	f = fopen(path, "wb");
	if (!f || fwrite(data, 1, size, f) != size || fclose(f)) die("write", -1);
}

int main(int argc, char **argv)
{
	struct btf *base = NULL, *btf;
	int int_id, uint_id, char_id, u64_id, cnst, vol, ptr, u64t, arr, s, sp, proto, var;

	if (argc < 3) return 2;
	if (argc > 3) {
		base = btf__parse_raw(argv[3]);
		if (!base) die("btf__parse_raw", -1);
		btf = btf__new_empty_split(base);
	} else {
		btf = btf__new_empty();
	}
	if (!btf) die("btf__new_empty", -1);
	int_id = btf__add_int(btf, "int", 4, BTF_INT_SIGNED);
	CHECK(int_id);
	uint_id = btf__add_int(btf, "unsigned int", 4, 0);
	CHECK(uint_id);
	char_id = btf__add_int(btf, "char", 1, BTF_INT_CHAR);
	CHECK(char_id);
	u64_id = btf__add_int(btf, "long long unsigned int", 8, 0);
	CHECK(u64_id);
	CHECK(btf__add_ptr(btf, 0));
	cnst = btf__add_const(btf, char_id);
	CHECK(cnst);
	vol = btf__add_volatile(btf, cnst);
	CHECK(vol);
	ptr = btf__add_ptr(btf, vol);
	CHECK(ptr);
	CHECK(btf__add_restrict(btf, ptr));
	u64t = btf__add_typedef(btf, "__u64", u64_id);
	CHECK(u64t);
	arr = btf__add_array(btf, int_id, char_id, 16);
	CHECK(arr);
	s = btf__add_struct(btf, "mynic_metadata", 40);
	CHECK(s);
	CHECK(btf__add_field(btf, "timestamp", u64t, 0, 0));
	CHECK(btf__add_field(btf, "hash", uint_id, 64, 0));
	CHECK(btf__add_field(btf, "flags", uint_id, 96, 3));
	CHECK(btf__add_field(btf, "more", uint_id, 99, 5));
	CHECK(btf__add_field(btf, "name", arr, 128, 0));
	CHECK(btf__add_field(btf, "next", s + 1, 256, 0)); /* forward reference to the next id */
	sp = btf__add_ptr(btf, s);
	CHECK(sp);
	CHECK(btf__add_union(btf, "mynic_u", 4));
	CHECK(btf__add_field(btf, "mark", uint_id, 0, 0));
	CHECK(btf__add_field(btf, "timestamp", int_id, 0, 0));
	CHECK(btf__add_enum(btf, "mynic_hash_kind", 4));
	CHECK(btf__add_enum_value(btf, "MYNIC_HASH_NONE", 0));
	CHECK(btf__add_enum_value(btf, "MYNIC_HASH_NEG", -3));
	CHECK(btf__add_enum64(btf, "mynic_big", 8, true));
	CHECK(btf__add_enum64_value(btf, "MYNIC_BIG", 0x100000000ULL));
	CHECK(btf__add_enum64_value(btf, "MYNIC_NEG", (__u64)-1LL));
	CHECK(btf__add_enum64(btf, "mynic_ubig", 8, false));
	CHECK(btf__add_enum64_value(btf, "MYNIC_UBIG", 0xfedcba9876543210ULL));
	CHECK(btf__add_fwd(btf, "mynic_fwd", BTF_FWD_STRUCT));
	CHECK(btf__add_fwd(btf, "mynic_ufwd", BTF_FWD_UNION));
	proto = btf__add_func_proto(btf, int_id);
	CHECK(proto);
	CHECK(btf__add_func_param(btf, "ctx", sp));
	CHECK(btf__add_func_param(btf, "hash", uint_id));
	CHECK(btf__add_func_param(btf, NULL, 0)); /* varargs */
	CHECK(btf__add_func(btf, "mynic_fn", BTF_FUNC_GLOBAL, proto));
	var = btf__add_var(btf, "mynic_counter", BTF_VAR_GLOBAL_ALLOCATED, uint_id);
	CHECK(var);
	CHECK(btf__add_datasec(btf, ".data", 8));
	CHECK(btf__add_datasec_var_info(btf, var, 4, 4));
	CHECK(btf__add_float(btf, "float", 4));
	CHECK(btf__add_decl_tag(btf, "mynic_tag", s, 2));
	CHECK(btf__add_type_tag(btf, "user", int_id));
	write_raw(btf, BTF_LITTLE_ENDIAN, argv[1]);
	write_raw(btf, BTF_BIG_ENDIAN, argv[2]);
	btf__free(btf);
	btf__free(base);
	return 0;
}
