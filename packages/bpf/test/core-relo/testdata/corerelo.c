// corerelo: a libbpf-based CO-RE relocation oracle (reference btf-and-core.md §5 recipe D).
//
// usage: corerelo prog.o target.btf [base.btf]
//
// Runs libbpf's own bpf_object__load() CO-RE pass against target.btf (btf_custom_path) with no
// kernel and no privileges: the bpf() syscall is intercepted (this executable defines syscall(),
// which libbpf.so binds to) and answers every object-creating command with a dummy fd. With a
// third argument, target.btf is split BTF on base.btf; it is flattened into one standalone BTF
// with the same type ids first (btf__add_type copies ids in order).
//
// Output, all on stdout, in order:
//   libbpf: ...            every libbpf log line, debug level included
//   load: <err>            bpf_object__load() result
//   prog <name> sec <section> insns=<n>
//      <i>: code=0x.. dst=rN src=rN off=<s16> imm=<s32>     every instruction after relocation
// Exit status: 0 when the load succeeded, 1 otherwise (2 on usage/setup errors).
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <linux/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>

static int dummy_fd = -1;

long syscall(long nr, ...) {
  va_list ap;
  long a[6];
  va_start(ap, nr);
  for (int i = 0; i < 6; i++) a[i] = va_arg(ap, long);
  va_end(ap);
  if (nr == __NR_bpf && !getenv("REAL_KERNEL")) {
    switch ((int)a[0]) {
      case BPF_MAP_CREATE:
      case BPF_PROG_LOAD:
      case BPF_BTF_LOAD:
        return dup(dummy_fd);
      case BPF_MAP_UPDATE_ELEM:
      case BPF_MAP_FREEZE:
        return 0;
      default:
        errno = EINVAL;
        return -1;
    }
  }
  long (*real)(long, ...) = (long (*)(long, ...))dlsym(RTLD_NEXT, "syscall");
  return real(nr, a[0], a[1], a[2], a[3], a[4], a[5]);
}

static int print_all(enum libbpf_print_level level, const char *fmt, va_list ap) {
  (void)level;
  return vfprintf(stdout, fmt, ap);
}

static int flatten(const char *split_path, const char *base_path, char *out_path) {
  struct btf *base = btf__parse(base_path, NULL);
  if (!base) { fprintf(stderr, "corerelo: cannot parse base %s: %d\n", base_path, -errno); return -1; }
  struct btf *split = btf__parse_split(split_path, base);
  if (!split) { fprintf(stderr, "corerelo: cannot parse split %s: %d\n", split_path, -errno); return -1; }
  struct btf *flat = btf__new_empty();
  if (!flat) return -1;
  unsigned n = btf__type_cnt(split);
  for (unsigned id = 1; id < n; id++) {
    int got = btf__add_type(flat, split, btf__type_by_id(split, id));
    if (got != (int)id) { fprintf(stderr, "corerelo: flatten id %u -> %d\n", id, got); return -1; }
  }
  __u32 size = 0;
  const void *raw = btf__raw_data(flat, &size);
  if (!raw) return -1;
  strcpy(out_path, "/tmp/corerelo-flat-XXXXXX");
  int fd = mkstemp(out_path);
  if (fd < 0) return -1;
  if (write(fd, raw, size) != (ssize_t)size) { close(fd); return -1; }
  close(fd);
  btf__free(flat);
  btf__free(split);
  btf__free(base);
  return 0;
}

int main(int argc, char **argv) {
  if (argc != 3 && argc != 4) {
    fprintf(stderr, "usage: %s prog.o target.btf [base.btf]\n", argv[0]);
    return 2;
  }
  setvbuf(stdout, NULL, _IOLBF, 0);
  dummy_fd = open("/dev/null", O_RDONLY);
  if (dummy_fd < 0) return 2;
  libbpf_set_print(print_all);

  char flat_path[64] = "";
  const char *target = argv[2];
  if (argc == 4) {
    if (flatten(argv[2], argv[3], flat_path)) return 2;
    target = flat_path;
  }

  LIBBPF_OPTS(bpf_object_open_opts, opts, .btf_custom_path = target);
  struct bpf_object *obj = bpf_object__open_file(argv[1], &opts);
  if (!obj) {
    printf("open: %d\n", -errno);
    if (flat_path[0]) unlink(flat_path);
    return 1;
  }
  int err = bpf_object__load(obj);
  printf("load: %d\n", err);
  struct bpf_program *prog;
  bpf_object__for_each_program(prog, obj) {
    const struct bpf_insn *insns = bpf_program__insns(prog);
    size_t cnt = bpf_program__insn_cnt(prog);
    printf("prog %s sec %s insns=%zu\n", bpf_program__name(prog), bpf_program__section_name(prog), cnt);
    for (size_t i = 0; i < cnt; i++)
      printf("%5zu: code=0x%02x dst=r%d src=r%d off=%d imm=%d\n", i, insns[i].code, insns[i].dst_reg,
             insns[i].src_reg, insns[i].off, insns[i].imm);
  }
  bpf_object__close(obj);
  if (flat_path[0]) unlink(flat_path);
  return err ? 1 : 0;
}
