/* BPF-target fixture (clang -target bpf / bpfeb): DATASEC, VAR, FUNC linkage, decl and type
 * tags, as clang emits them into .BTF. */
#define __tag(x) __attribute__((btf_decl_tag(x)))
#define __ttag(x) __attribute__((btf_type_tag(x)))
struct prog_ctx {
	int a __tag("member_tag");
	int __ttag("user") *p;
	unsigned int bits : 5;
} __tag("struct_tag");
struct prog_ctx prog_ctx_instance __attribute__((section(".data.ctx")));
int counter = 3;
static volatile const int ro_value = 5;
__tag("func_tag") int prog_func(struct prog_ctx *c __tag("param_tag"))
{
	return c->a + counter + ro_value;
}
char LICENSE[] __attribute__((section("license"))) = "GPL";
