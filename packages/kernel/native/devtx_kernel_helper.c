// SPDX-License-Identifier: GPL-2.0
/*
 * devtx-kernel-helper: the kernel lane's hands. libbpf (libbpf.so.1) opens, loads, binds and
 * attaches objects; this file adds only what libbpf 1.1 does not have: a line protocol on
 * stdin/stdout, AF_PACKET and BPF_PROG_TEST_RUN live-frame traffic from inside a named network
 * namespace, and an AF_XDP socket with raw rings (libbpf 1.x dropped xsk.h).
 *
 * Contract: one request per line, whitespace-separated tokens, one JSON object per reply line
 * ({"ok":true,...} or {"ok":false,"errno":N,"error":"..."}). The helper decides nothing: every
 * object, program, device, flag, frame and count comes from the TypeScript side
 * (packages/kernel/src/NativeHelper.ts). It never pins anything; every fd it holds (programs,
 * XDP links, the bpf_enable_stats fd, sockets) closes when it exits, so a killed parent leaves
 * no attached program and bpf_stats back at its previous refcount.
 *
 * UAPI newer than the Debian 6.1 headers is declared here from the running kernel's BTF
 * (include/uapi/linux/if_xdp.h in 6.18): struct xdp_umem_reg gained tx_metadata_len.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/bpf.h>
#include <linux/if_link.h>
#include <linux/if_packet.h>
#include <linux/if_xdp.h>
#include <net/if.h>
#include <sched.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#ifndef SOL_XDP
#define SOL_XDP 283
#endif
#ifndef AF_XDP
#define AF_XDP 44
#endif

/* struct xdp_umem_reg as of 6.8+ (include/uapi/linux/if_xdp.h): 32 bytes, tx_metadata_len @28 */
struct devtx_xdp_umem_reg {
	__u64 addr;
	__u64 len;
	__u32 chunk_size;
	__u32 headroom;
	__u32 flags;
	__u32 tx_metadata_len;
};

#define MAX_OBJS 32
#define MAX_XSKS 8
#define LINE_MAX_LEN (1 << 20)

static struct bpf_object *objs[MAX_OBJS];
static int stats_fd = -1;
static int home_ns = -1;

/* ---------------------------------------------------------------- replies */

static char *out;
static size_t out_len, out_cap;

static void out_raw(const char *s, size_t n)
{
	if (out_len + n + 1 > out_cap) {
		out_cap = (out_len + n + 1) * 2;
		out = realloc(out, out_cap);
		if (!out)
			exit(70);
	}
	memcpy(out + out_len, s, n);
	out_len += n;
	out[out_len] = 0;
}

static void outf(const char *fmt, ...)
{
	char buf[512];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	out_raw(buf, n < (int)sizeof(buf) ? (size_t)n : sizeof(buf) - 1);
}

static void out_str(const char *s)
{
	out_raw("\"", 1);
	for (; *s; s++) {
		unsigned char c = *s;
		if (c == '"' || c == '\\') {
			char e[2] = { '\\', (char)c };
			out_raw(e, 2);
		} else if (c < 0x20) {
			outf("\\u%04x", c);
		} else {
			out_raw((const char *)&c, 1);
		}
	}
	out_raw("\"", 1);
}

static void out_hex(const unsigned char *p, size_t n)
{
	static const char d[] = "0123456789abcdef";
	out_raw("\"", 1);
	for (size_t i = 0; i < n; i++) {
		char h[2] = { d[p[i] >> 4], d[p[i] & 15] };
		out_raw(h, 2);
	}
	out_raw("\"", 1);
}

static void reply_flush(void)
{
	out_raw("\n", 1);
	fwrite(out, 1, out_len, stdout);
	fflush(stdout);
	out_len = 0;
}

/* libbpf's log lines of the current request (verifier log included), for error replies */
static char liblog[16384];
static size_t liblog_len;

static int libbpf_log(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	if (level == LIBBPF_DEBUG)
		return 0;
	if (liblog_len < sizeof(liblog) - 1) {
		int n = vsnprintf(liblog + liblog_len, sizeof(liblog) - liblog_len, fmt, ap);
		if (n > 0)
			liblog_len += (size_t)n;
		if (liblog_len > sizeof(liblog) - 1)
			liblog_len = sizeof(liblog) - 1;
	}
	return 0;
}

static void fail(int err, const char *what)
{
	out_len = 0;
	outf("{\"ok\":false,\"errno\":%d,\"error\":", err);
	{
		char msg[1024];
		snprintf(msg, sizeof(msg), "%s: %s", what, strerror(err));
		out_str(msg);
	}
	out_raw(",\"log\":", 7);
	out_str(liblog);
	out_raw("}", 1);
	reply_flush();
}

/* ---------------------------------------------------------------- parsing */

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* decodes hex into a malloc'd buffer; "-" is empty */
static unsigned char *unhex(const char *s, size_t *n)
{
	size_t l = strcmp(s, "-") == 0 ? 0 : strlen(s);
	unsigned char *b = malloc(l / 2 + 1);

	if (!b || (l & 1))
		return free(b), NULL;
	for (size_t i = 0; i < l / 2; i++) {
		int h = hexval(s[2 * i]), lo = hexval(s[2 * i + 1]);
		if (h < 0 || lo < 0)
			return free(b), NULL;
		b[i] = (unsigned char)(h << 4 | lo);
	}
	*n = l / 2;
	return b;
}

static int num(const char *s, long long *v)
{
	char *e;

	errno = 0;
	*v = strtoll(s, &e, 0);
	return errno || *e || e == s ? -1 : 0;
}

/* ---------------------------------------------------------------- netns */

/* Enters the namespace at `path` ("-" = stay); returns 0 or -errno. */
static int enter_ns(const char *path)
{
	int fd;

	if (strcmp(path, "-") == 0)
		return 0;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (setns(fd, CLONE_NEWNET)) {
		int e = errno;
		close(fd);
		return -e;
	}
	close(fd);
	return 0;
}

static void leave_ns(const char *path)
{
	if (strcmp(path, "-") != 0 && setns(home_ns, CLONE_NEWNET))
		exit(71); /* cannot return to the helper's own namespace: nothing is safe after that */
}

static __u64 now_ns(clockid_t c)
{
	struct timespec t;

	clock_gettime(c, &t);
	return (__u64)t.tv_sec * 1000000000ull + (__u64)t.tv_nsec;
}

/* ---------------------------------------------------------------- objects and programs */

static struct bpf_object *obj_at(const char *tok)
{
	long long i;

	if (num(tok, &i) || i < 0 || i >= MAX_OBJS)
		return NULL;
	return objs[i];
}

static void cmd_open(char **a, int n)
{
	struct bpf_program *p;
	struct bpf_map *m;
	struct bpf_object *o;
	int slot = -1, first = 1;

	if (n != 2)
		return fail(EINVAL, "usage: open PATH");
	for (int i = 0; i < MAX_OBJS; i++)
		if (!objs[i]) {
			slot = i;
			break;
		}
	if (slot < 0)
		return fail(EMFILE, "open: too many objects");
	o = bpf_object__open_file(a[1], NULL);
	if (!o)
		return fail(errno, a[1]);
	objs[slot] = o;
	outf("{\"ok\":true,\"obj\":%d,\"programs\":[", slot);
	bpf_object__for_each_program(p, o) {
		outf("%s{\"name\":", first ? "" : ",");
		out_str(bpf_program__name(p));
		out_raw(",\"section\":", 11);
		out_str(bpf_program__section_name(p));
		out_raw("}", 1);
		first = 0;
	}
	out_raw("],\"maps\":[", 10);
	first = 1;
	bpf_object__for_each_map(m, o) {
		if (!first)
			out_raw(",", 1);
		out_str(bpf_map__name(m));
		first = 0;
	}
	out_raw("]}", 2);
	reply_flush();
}

/* load OBJ PROG IFINDEX BIND: PROG alone is loaded; BIND 0: not bound; 1: prog_ifindex and
 * BPF_F_XDP_DEV_BOUND_ONLY (1U << 6, include/uapi/linux/bpf.h since 6.3); 2: prog_ifindex alone
 * (a hardware-offload request). */
static void cmd_load(char **a, int n)
{
	struct bpf_object *o = n == 5 ? obj_at(a[1]) : NULL;
	struct bpf_program *p, *want = NULL;
	long long ifindex, devbound;
	struct bpf_prog_info info;
	__u32 len = sizeof(info);
	int err, fd;

	if (!o || num(a[3], &ifindex) || num(a[4], &devbound))
		return fail(EINVAL, "usage: load OBJ PROG IFINDEX DEVBOUND");
	bpf_object__for_each_program(p, o) {
		int mine = strcmp(bpf_program__name(p), a[2]) == 0;
		bpf_program__set_autoload(p, mine);
		if (mine)
			want = p;
	}
	if (!want)
		return fail(ENOENT, a[2]);
	if (devbound == 1 || devbound == 2)
		bpf_program__set_ifindex(want, (__u32)ifindex);
	if (devbound == 1)
		bpf_program__set_flags(want, bpf_program__flags(want) | (1U << 6));
	err = bpf_object__load(o);
	if (err)
		return fail(-err, "bpf_object__load");
	fd = bpf_program__fd(want);
	memset(&info, 0, sizeof(info));
	if (bpf_obj_get_info_by_fd(fd, &info, &len))
		return fail(errno, "bpf_prog_info");
	outf("{\"ok\":true,\"fd\":%d,\"id\":%u}", fd, info.id);
	reply_flush();
}

static void cmd_objclose(char **a, int n)
{
	long long i;

	if (n != 2 || num(a[1], &i) || i < 0 || i >= MAX_OBJS || !objs[i])
		return fail(EINVAL, "usage: objclose OBJ");
	bpf_object__close(objs[i]);
	objs[i] = NULL;
	outf("{\"ok\":true}");
	reply_flush();
}

/* attach PROGFD IFINDEX drv|skb: an XDP bpf_link (detached when its fd closes) */
static void cmd_attach(char **a, int n)
{
	LIBBPF_OPTS(bpf_link_create_opts, opts);
	long long fd, ifindex;
	int link;

	if (n != 4 || num(a[1], &fd) || num(a[2], &ifindex))
		return fail(EINVAL, "usage: attach PROGFD IFINDEX drv|skb");
	if (strcmp(a[3], "drv") == 0)
		opts.flags = XDP_FLAGS_DRV_MODE;
	else if (strcmp(a[3], "skb") == 0)
		opts.flags = XDP_FLAGS_SKB_MODE;
	else
		return fail(EINVAL, a[3]);
	link = bpf_link_create((int)fd, (int)ifindex, BPF_XDP, &opts);
	if (link < 0)
		return fail(errno, "bpf_link_create(BPF_XDP)");
	outf("{\"ok\":true,\"link\":%d}", link);
	reply_flush();
}

static void cmd_close(char **a, int n)
{
	long long fd;

	if (n != 2 || num(a[1], &fd) || fd < 3)
		return fail(EINVAL, "usage: close FD");
	if (close((int)fd))
		return fail(errno, "close");
	outf("{\"ok\":true}");
	reply_flush();
}

static void cmd_info(char **a, int n)
{
	struct bpf_prog_info info;
	__u32 len = sizeof(info);
	long long fd;

	if (n != 2 || num(a[1], &fd))
		return fail(EINVAL, "usage: info PROGFD");
	memset(&info, 0, sizeof(info));
	if (bpf_obj_get_info_by_fd((int)fd, &info, &len))
		return fail(errno, "bpf_prog_info");
	outf("{\"ok\":true,\"id\":%u,\"name\":", info.id);
	out_str(info.name);
	outf(",\"run_time_ns\":%llu,\"run_cnt\":%llu,\"recursion_misses\":%llu,\"xlated_prog_len\":%u,"
	     "\"jited_prog_len\":%u,\"ifindex\":%u}",
	     (unsigned long long)info.run_time_ns, (unsigned long long)info.run_cnt,
	     (unsigned long long)info.recursion_misses, info.xlated_prog_len, info.jited_prog_len,
	     info.ifindex);
	reply_flush();
}

/* stats_on: bpf_enable_stats(BPF_STATS_RUN_TIME) — the kernel counts while this fd is open and
 * restores the previous state when it closes (kernel/bpf/syscall.c bpf_stats_release). */
static void cmd_stats(char **a, int n)
{
	if (n == 2 && strcmp(a[1], "on") == 0) {
		if (stats_fd < 0) {
			stats_fd = bpf_enable_stats(BPF_STATS_RUN_TIME);
			if (stats_fd < 0)
				return fail(errno, "bpf_enable_stats(BPF_STATS_RUN_TIME)");
		}
	} else if (n == 2 && strcmp(a[1], "off") == 0) {
		if (stats_fd >= 0)
			close(stats_fd);
		stats_fd = -1;
	} else {
		return fail(EINVAL, "usage: stats on|off");
	}
	outf("{\"ok\":true,\"on\":%s}", stats_fd >= 0 ? "true" : "false");
	reply_flush();
}

static struct bpf_map *map_of(char **a)
{
	struct bpf_object *o = obj_at(a[1]);

	return o ? bpf_object__find_map_by_name(o, a[2]) : NULL;
}

/* map_get OBJ MAP KEY(u32) / map_set OBJ MAP KEY HEXVALUE */
static void cmd_map(char **a, int n, int set)
{
	struct bpf_map *m = n == (set ? 5 : 4) ? map_of(a) : NULL;
	unsigned char *v;
	long long key;
	__u32 k;
	size_t vl;

	if (!m || num(a[3], &key))
		return fail(EINVAL, set ? "usage: map_set OBJ MAP KEY HEX" : "usage: map_get OBJ MAP KEY");
	k = (__u32)key;
	vl = bpf_map__value_size(m);
	if (set) {
		size_t got;
		v = unhex(a[4], &got);
		if (!v || got != vl) {
			free(v);
			return fail(EINVAL, "map_set: value is not the map's value_size in hex");
		}
		if (bpf_map_update_elem(bpf_map__fd(m), &k, v, BPF_ANY)) {
			int e = errno;
			free(v);
			return fail(e, "bpf_map_update_elem");
		}
		free(v);
		outf("{\"ok\":true}");
	} else {
		v = calloc(1, vl);
		if (bpf_map_lookup_elem(bpf_map__fd(m), &k, v)) {
			int e = errno;
			free(v);
			return fail(e, "bpf_map_lookup_elem");
		}
		outf("{\"ok\":true,\"value\":");
		out_hex(v, vl);
		out_raw("}", 1);
		free(v);
	}
	reply_flush();
}

/* ---------------------------------------------------------------- traffic */

/* gen_packet NETNS IFNAME HEXFRAME COUNT: AF_PACKET SOCK_RAW, PACKET_QDISC_BYPASS, sendmmsg
 * batches of 64, from inside NETNS. Returns frames sent and the wall time. */
static void cmd_gen_packet(char **a, int n)
{
	struct sockaddr_ll ll;
	struct mmsghdr msgs[64];
	struct iovec iov;
	unsigned char *frame;
	long long count;
	size_t flen;
	int fd, one = 1, e;
	__u64 t0, sent = 0, busy = 0;

	if (n != 5 || num(a[4], &count) || count < 0)
		return fail(EINVAL, "usage: gen_packet NETNS IFNAME HEXFRAME COUNT");
	frame = unhex(a[3], &flen);
	if (!frame || flen < 14)
		return free(frame), fail(EINVAL, "gen_packet: frame");
	e = enter_ns(a[1]);
	if (e)
		return free(frame), fail(-e, a[1]);
	fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 0);
	memset(&ll, 0, sizeof(ll));
	ll.sll_family = AF_PACKET;
	ll.sll_ifindex = (int)if_nametoindex(a[2]);
	leave_ns(a[1]);
	if (fd < 0 || ll.sll_ifindex == 0) {
		e = fd < 0 ? errno : ENODEV;
		if (fd >= 0)
			close(fd);
		free(frame);
		return fail(e, fd < 0 ? "socket(AF_PACKET)" : a[2]);
	}
	setsockopt(fd, SOL_PACKET, PACKET_QDISC_BYPASS, &one, sizeof(one));
	if (bind(fd, (struct sockaddr *)&ll, sizeof(ll))) {
		e = errno;
		close(fd);
		free(frame);
		return fail(e, "bind(AF_PACKET)");
	}
	iov.iov_base = frame;
	iov.iov_len = flen;
	memset(msgs, 0, sizeof(msgs));
	for (int i = 0; i < 64; i++) {
		msgs[i].msg_hdr.msg_iov = &iov;
		msgs[i].msg_hdr.msg_iovlen = 1;
	}
	t0 = now_ns(CLOCK_MONOTONIC);
	while ((long long)sent < count) {
		unsigned int want = count - sent > 64 ? 64 : (unsigned int)(count - sent);
		int r = sendmmsg(fd, msgs, want, 0);
		if (r < 0) {
			if ((errno == ENOBUFS || errno == EAGAIN) && busy < 1000000) {
				busy++;
				continue;
			}
			e = errno;
			close(fd);
			free(frame);
			return fail(e, "sendmmsg");
		}
		sent += (unsigned)r;
	}
	outf("{\"ok\":true,\"sent\":%llu,\"ns\":%llu,\"busy\":%llu}", (unsigned long long)sent,
	     (unsigned long long)(now_ns(CLOCK_MONOTONIC) - t0), (unsigned long long)busy);
	close(fd);
	free(frame);
	reply_flush();
}

/* test_run PROGFD NETNS HEXDATA METALEN REPEAT FLAGS INGRESS_IFINDEX BATCH OUTCAP:
 * BPF_PROG_TEST_RUN with an xdp_md ctx { data = METALEN, data_end = len, ingress_ifindex }
 * (the first METALEN bytes of HEXDATA are metadata) inside NETNS; FLAGS 2 =
 * BPF_F_TEST_XDP_LIVE_FRAMES (then no data_out/ctx_out, as the kernel requires). */
static void cmd_test_run(char **a, int n)
{
	LIBBPF_OPTS(bpf_test_run_opts, opts);
	long long fd, metalen, repeat, flags, ingress, batch, outcap;
	struct xdp_md ctx;
	unsigned char *data, *dout = NULL;
	size_t dlen;
	int e, r;
	__u64 t0, t1;

	if (n != 10 || num(a[1], &fd) || num(a[4], &metalen) || num(a[5], &repeat) || num(a[6], &flags) ||
	    num(a[7], &ingress) || num(a[8], &batch) || num(a[9], &outcap) || outcap < 0 || outcap > 65536)
		return fail(EINVAL, "usage: test_run PROGFD NETNS HEXDATA METALEN REPEAT FLAGS INGRESS BATCH OUTCAP");
	data = unhex(a[3], &dlen);
	if (!data)
		return fail(EINVAL, "test_run: data");
	memset(&ctx, 0, sizeof(ctx));
	ctx.data = (__u32)metalen;
	ctx.data_end = (__u32)dlen;
	ctx.ingress_ifindex = (__u32)ingress;
	opts.data_in = data;
	opts.data_size_in = (__u32)dlen;
	opts.ctx_in = &ctx;
	opts.ctx_size_in = sizeof(ctx);
	opts.repeat = (int)repeat;
	opts.flags = (__u32)flags;
	opts.batch_size = (__u32)batch;
	if (outcap > 0) {
		dout = calloc(1, (size_t)outcap);
		opts.data_out = dout;
		opts.data_size_out = (__u32)outcap;
	}
	e = enter_ns(a[2]);
	if (e)
		return free(data), free(dout), fail(-e, a[2]);
	t0 = now_ns(CLOCK_MONOTONIC);
	r = bpf_prog_test_run_opts((int)fd, &opts);
	t1 = now_ns(CLOCK_MONOTONIC);
	e = errno;
	leave_ns(a[2]);
	if (r) {
		free(data);
		free(dout);
		return fail(e, "BPF_PROG_TEST_RUN");
	}
	outf("{\"ok\":true,\"retval\":%u,\"duration\":%u,\"ns\":%llu,\"data_out\":", opts.retval,
	     opts.duration, (unsigned long long)(t1 - t0));
	out_hex(dout ? dout : data, dout ? opts.data_size_out : 0);
	out_raw("}", 1);
	free(data);
	free(dout);
	reply_flush();
}

static void cmd_clock(void)
{
	outf("{\"ok\":true,\"tai\":%llu,\"realtime\":%llu,\"monotonic\":%llu}",
	     (unsigned long long)now_ns(CLOCK_TAI), (unsigned long long)now_ns(CLOCK_REALTIME),
	     (unsigned long long)now_ns(CLOCK_MONOTONIC));
	reply_flush();
}

/* ---------------------------------------------------------------- AF_XDP */

struct ring {
	__u32 *producer, *consumer;
	void *desc;
	__u32 size;
	void *map;
	size_t map_len;
};

struct xsk {
	int fd;
	void *umem;
	size_t umem_len;
	struct ring rx, tx, fill, comp;
};

static struct xsk *xsks[MAX_XSKS];

static int map_ring(int fd, struct ring *r, __u64 pgoff, struct xdp_ring_offset *off, size_t esz)
{
	r->map_len = off->desc + (size_t)r->size * esz;
	r->map = mmap(NULL, r->map_len, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, fd, (off_t)pgoff);
	if (r->map == MAP_FAILED) {
		r->map = NULL;
		return -errno;
	}
	r->producer = (__u32 *)((char *)r->map + off->producer);
	r->consumer = (__u32 *)((char *)r->map + off->consumer);
	r->desc = (char *)r->map + off->desc;
	return 0;
}

static void xsk_free(struct xsk *x)
{
	struct ring *rs[4] = { &x->rx, &x->tx, &x->fill, &x->comp };

	for (int i = 0; i < 4; i++)
		if (rs[i]->map)
			munmap(rs[i]->map, rs[i]->map_len);
	if (x->fd >= 0)
		close(x->fd);
	if (x->umem)
		munmap(x->umem, x->umem_len);
	free(x);
}

/* xsk_open NETNS IFNAME QUEUE BINDFLAGS UMEMFLAGS TXMDLEN NFRAMES FRAMESIZE RINGSIZE UMEMHEADROOM */
static void cmd_xsk_open(char **a, int n)
{
	long long q, bflags, uflags, mdlen, nframes, fsize, rsize, uhead;
	struct devtx_xdp_umem_reg reg;
	struct xdp_mmap_offsets off;
	struct sockaddr_xdp sxdp;
	socklen_t ol = sizeof(off);
	struct xsk *x;
	int slot = -1, e, ifindex;
	__u32 rs;

	if (n != 11 || num(a[3], &q) || num(a[4], &bflags) || num(a[5], &uflags) || num(a[6], &mdlen) ||
	    num(a[7], &nframes) || num(a[8], &fsize) || num(a[9], &rsize) || num(a[10], &uhead) || nframes <= 0 ||
	    fsize <= 0 || rsize <= 0 || uhead < 0)
		return fail(EINVAL, "usage: xsk_open NETNS IFNAME QUEUE BINDFLAGS UMEMFLAGS TXMDLEN NFRAMES FRAMESIZE RINGSIZE UMEMHEADROOM");
	for (int i = 0; i < MAX_XSKS; i++)
		if (!xsks[i]) {
			slot = i;
			break;
		}
	if (slot < 0)
		return fail(EMFILE, "xsk_open: too many sockets");
	x = calloc(1, sizeof(*x));
	x->fd = -1;
	x->umem_len = (size_t)nframes * (size_t)fsize;
	x->umem = mmap(NULL, x->umem_len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (x->umem == MAP_FAILED) {
		x->umem = NULL;
		e = errno;
		xsk_free(x);
		return fail(e, "mmap(umem)");
	}
	e = enter_ns(a[1]);
	if (e) {
		xsk_free(x);
		return fail(-e, a[1]);
	}
	x->fd = socket(AF_XDP, SOCK_RAW | SOCK_CLOEXEC, 0);
	ifindex = (int)if_nametoindex(a[2]);
	leave_ns(a[1]);
	if (x->fd < 0 || ifindex == 0) {
		e = x->fd < 0 ? errno : ENODEV;
		xsk_free(x);
		return fail(e, x->fd < 0 ? "socket(AF_XDP)" : a[2]);
	}
	memset(&reg, 0, sizeof(reg));
	reg.addr = (__u64)(uintptr_t)x->umem;
	reg.len = x->umem_len;
	reg.chunk_size = (__u32)fsize;
	reg.headroom = (__u32)uhead;
	reg.flags = (__u32)uflags;
	reg.tx_metadata_len = (__u32)mdlen;
	if (setsockopt(x->fd, SOL_XDP, XDP_UMEM_REG, &reg, sizeof(reg))) {
		e = errno;
		xsk_free(x);
		return fail(e, "setsockopt(XDP_UMEM_REG)");
	}
	rs = (__u32)rsize;
	if (setsockopt(x->fd, SOL_XDP, XDP_UMEM_FILL_RING, &rs, 4) ||
	    setsockopt(x->fd, SOL_XDP, XDP_UMEM_COMPLETION_RING, &rs, 4) ||
	    setsockopt(x->fd, SOL_XDP, XDP_RX_RING, &rs, 4) || setsockopt(x->fd, SOL_XDP, XDP_TX_RING, &rs, 4)) {
		e = errno;
		xsk_free(x);
		return fail(e, "setsockopt(ring size)");
	}
	if (getsockopt(x->fd, SOL_XDP, XDP_MMAP_OFFSETS, &off, &ol)) {
		e = errno;
		xsk_free(x);
		return fail(e, "getsockopt(XDP_MMAP_OFFSETS)");
	}
	x->rx.size = x->tx.size = x->fill.size = x->comp.size = rs;
	if ((e = map_ring(x->fd, &x->rx, XDP_PGOFF_RX_RING, &off.rx, sizeof(struct xdp_desc))) ||
	    (e = map_ring(x->fd, &x->tx, XDP_PGOFF_TX_RING, &off.tx, sizeof(struct xdp_desc))) ||
	    (e = map_ring(x->fd, &x->fill, XDP_UMEM_PGOFF_FILL_RING, &off.fr, 8)) ||
	    (e = map_ring(x->fd, &x->comp, XDP_UMEM_PGOFF_COMPLETION_RING, &off.cr, 8))) {
		xsk_free(x);
		return fail(-e, "mmap(ring)");
	}
	memset(&sxdp, 0, sizeof(sxdp));
	sxdp.sxdp_family = AF_XDP;
	sxdp.sxdp_ifindex = (__u32)ifindex;
	sxdp.sxdp_queue_id = (__u32)q;
	sxdp.sxdp_flags = (__u16)bflags;
	if (bind(x->fd, (struct sockaddr *)&sxdp, sizeof(sxdp))) {
		e = errno;
		xsk_free(x);
		return fail(e, "bind(AF_XDP)");
	}
	xsks[slot] = x;
	outf("{\"ok\":true,\"xsk\":%d,\"fd\":%d,\"ring\":%u}", slot, x->fd, rs);
	reply_flush();
}

static struct xsk *xsk_at(const char *tok)
{
	long long i;

	if (num(tok, &i) || i < 0 || i >= MAX_XSKS)
		return NULL;
	return xsks[i];
}

/* xsk_write X OFFSET HEX / xsk_read X OFFSET LEN: UMEM bytes */
static void cmd_xsk_mem(char **a, int n, int write)
{
	struct xsk *x = n == 4 ? xsk_at(a[1]) : NULL;
	long long o, l;
	unsigned char *b;
	size_t bl;

	if (!x || num(a[2], &o) || o < 0)
		return fail(EINVAL, write ? "usage: xsk_write X OFFSET HEX" : "usage: xsk_read X OFFSET LEN");
	if (write) {
		b = unhex(a[3], &bl);
		if (!b || (size_t)o + bl > x->umem_len)
			return free(b), fail(EINVAL, "xsk_write: outside the UMEM");
		memcpy((char *)x->umem + o, b, bl);
		free(b);
		outf("{\"ok\":true}");
	} else {
		if (num(a[3], &l) || l < 0 || (size_t)(o + l) > x->umem_len)
			return fail(EINVAL, "xsk_read: outside the UMEM");
		outf("{\"ok\":true,\"bytes\":");
		out_hex((unsigned char *)x->umem + o, (size_t)l);
		out_raw("}", 1);
	}
	reply_flush();
}

/* xsk_tx X ADDR LEN OPTIONS: one descriptor on the TX ring (no kick) */
static void cmd_xsk_tx(char **a, int n)
{
	struct xsk *x = n == 5 ? xsk_at(a[1]) : NULL;
	long long addr, len, opt;
	struct xdp_desc *d;
	__u32 prod, cons;

	if (!x || num(a[2], &addr) || num(a[3], &len) || num(a[4], &opt))
		return fail(EINVAL, "usage: xsk_tx X ADDR LEN OPTIONS");
	prod = *x->tx.producer;
	cons = __atomic_load_n(x->tx.consumer, __ATOMIC_ACQUIRE);
	if (prod - cons >= x->tx.size)
		return fail(ENOSPC, "xsk_tx: TX ring full");
	d = (struct xdp_desc *)x->tx.desc + (prod & (x->tx.size - 1));
	d->addr = (__u64)addr;
	d->len = (__u32)len;
	d->options = (__u32)opt;
	__atomic_store_n(x->tx.producer, prod + 1, __ATOMIC_RELEASE);
	outf("{\"ok\":true,\"producer\":%u}", prod + 1);
	reply_flush();
}

/* xsk_kick X: sendto(MSG_DONTWAIT) — in copy mode this runs __xsk_generic_xmit */
static void cmd_xsk_kick(char **a, int n)
{
	struct xsk *x = n == 2 ? xsk_at(a[1]) : NULL;
	ssize_t r;
	int e;

	if (!x)
		return fail(EINVAL, "usage: xsk_kick X");
	r = sendto(x->fd, NULL, 0, MSG_DONTWAIT, NULL, 0);
	e = r < 0 ? errno : 0;
	outf("{\"ok\":true,\"ret\":%zd,\"errno\":%d}", r, e);
	reply_flush();
}

/* xsk_fill X ADDR...: addresses onto the fill ring */
static void cmd_xsk_fill(char **a, int n)
{
	struct xsk *x = n >= 2 ? xsk_at(a[1]) : NULL;
	__u32 prod;

	if (!x)
		return fail(EINVAL, "usage: xsk_fill X ADDR...");
	prod = *x->fill.producer;
	for (int i = 2; i < n; i++) {
		long long addr;
		if (num(a[i], &addr))
			return fail(EINVAL, a[i]);
		if (prod - __atomic_load_n(x->fill.consumer, __ATOMIC_ACQUIRE) >= x->fill.size)
			return fail(ENOSPC, "xsk_fill: fill ring full");
		((__u64 *)x->fill.desc)[prod & (x->fill.size - 1)] = (__u64)addr;
		prod++;
	}
	__atomic_store_n(x->fill.producer, prod, __ATOMIC_RELEASE);
	outf("{\"ok\":true}");
	reply_flush();
}

/* xsk_comp X: consumes the completion ring; xsk_rx X: consumes the RX ring */
static void cmd_xsk_consume(char **a, int n, int rx)
{
	struct xsk *x = n == 2 ? xsk_at(a[1]) : NULL;
	struct ring *r;
	__u32 cons, prod;
	int first = 1;

	if (!x)
		return fail(EINVAL, rx ? "usage: xsk_rx X" : "usage: xsk_comp X");
	r = rx ? &x->rx : &x->comp;
	cons = *r->consumer;
	prod = __atomic_load_n(r->producer, __ATOMIC_ACQUIRE);
	outf("{\"ok\":true,\"%s\":[", rx ? "descs" : "addrs");
	for (; cons != prod; cons++) {
		if (rx) {
			struct xdp_desc *d = (struct xdp_desc *)r->desc + (cons & (r->size - 1));
			outf("%s{\"addr\":%llu,\"len\":%u,\"options\":%u}", first ? "" : ",",
			     (unsigned long long)d->addr, d->len, d->options);
		} else {
			outf("%s%llu", first ? "" : ",",
			     (unsigned long long)((__u64 *)r->desc)[cons & (r->size - 1)]);
		}
		first = 0;
	}
	__atomic_store_n(r->consumer, cons, __ATOMIC_RELEASE);
	out_raw("]}", 2);
	reply_flush();
}

/* xsk_state X: TX ring indices and XDP_STATISTICS */
static void cmd_xsk_state(char **a, int n)
{
	struct xsk *x = n == 2 ? xsk_at(a[1]) : NULL;
	struct xdp_statistics st;
	socklen_t sl = sizeof(st);

	if (!x)
		return fail(EINVAL, "usage: xsk_state X");
	memset(&st, 0, sizeof(st));
	if (getsockopt(x->fd, SOL_XDP, XDP_STATISTICS, &st, &sl))
		return fail(errno, "getsockopt(XDP_STATISTICS)");
	outf("{\"ok\":true,\"tx_producer\":%u,\"tx_consumer\":%u,\"comp_producer\":%u,\"rx_dropped\":%llu,"
	     "\"rx_invalid_descs\":%llu,\"tx_invalid_descs\":%llu}",
	     *x->tx.producer, __atomic_load_n(x->tx.consumer, __ATOMIC_ACQUIRE),
	     __atomic_load_n(x->comp.producer, __ATOMIC_ACQUIRE), (unsigned long long)st.rx_dropped,
	     (unsigned long long)st.rx_invalid_descs, (unsigned long long)st.tx_invalid_descs);
	reply_flush();
}

/* xskmap_set OBJ MAP KEY X: the socket's fd into an XSKMAP */
static void cmd_xskmap_set(char **a, int n)
{
	struct bpf_map *m = n == 5 ? map_of(a) : NULL;
	struct xsk *x = n == 5 ? xsk_at(a[4]) : NULL;
	long long key;
	__u32 k, v;

	if (!m || !x || num(a[3], &key))
		return fail(EINVAL, "usage: xskmap_set OBJ MAP KEY X");
	k = (__u32)key;
	v = (__u32)x->fd;
	if (bpf_map_update_elem(bpf_map__fd(m), &k, &v, BPF_ANY))
		return fail(errno, "bpf_map_update_elem(XSKMAP)");
	outf("{\"ok\":true}");
	reply_flush();
}

static void cmd_xsk_close(char **a, int n)
{
	long long i;

	if (n != 2 || num(a[1], &i) || i < 0 || i >= MAX_XSKS || !xsks[i])
		return fail(EINVAL, "usage: xsk_close X");
	xsk_free(xsks[i]);
	xsks[i] = NULL;
	outf("{\"ok\":true}");
	reply_flush();
}

/* ---------------------------------------------------------------- main loop */

int main(void)
{
	static char line[LINE_MAX_LEN];
	char *argv[64];

	libbpf_set_print(libbpf_log);
	libbpf_set_strict_mode(LIBBPF_STRICT_ALL);
	home_ns = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	if (home_ns < 0)
		return 72;
	while (fgets(line, sizeof(line), stdin)) {
		int n = 0;
		char *save = NULL;

		liblog_len = 0;
		liblog[0] = 0;
		for (char *t = strtok_r(line, " \t\r\n", &save); t && n < 64; t = strtok_r(NULL, " \t\r\n", &save))
			argv[n++] = t;
		if (n == 0)
			continue;
		if (!strcmp(argv[0], "hello")) {
			outf("{\"ok\":true,\"libbpf\":\"%u.%u\"}", libbpf_major_version(), libbpf_minor_version());
			reply_flush();
		} else if (!strcmp(argv[0], "open"))
			cmd_open(argv, n);
		else if (!strcmp(argv[0], "load"))
			cmd_load(argv, n);
		else if (!strcmp(argv[0], "objclose"))
			cmd_objclose(argv, n);
		else if (!strcmp(argv[0], "attach"))
			cmd_attach(argv, n);
		else if (!strcmp(argv[0], "close"))
			cmd_close(argv, n);
		else if (!strcmp(argv[0], "info"))
			cmd_info(argv, n);
		else if (!strcmp(argv[0], "stats"))
			cmd_stats(argv, n);
		else if (!strcmp(argv[0], "map_get"))
			cmd_map(argv, n, 0);
		else if (!strcmp(argv[0], "map_set"))
			cmd_map(argv, n, 1);
		else if (!strcmp(argv[0], "gen_packet"))
			cmd_gen_packet(argv, n);
		else if (!strcmp(argv[0], "test_run"))
			cmd_test_run(argv, n);
		else if (!strcmp(argv[0], "clock"))
			cmd_clock();
		else if (!strcmp(argv[0], "xsk_open"))
			cmd_xsk_open(argv, n);
		else if (!strcmp(argv[0], "xsk_write"))
			cmd_xsk_mem(argv, n, 1);
		else if (!strcmp(argv[0], "xsk_read"))
			cmd_xsk_mem(argv, n, 0);
		else if (!strcmp(argv[0], "xsk_tx"))
			cmd_xsk_tx(argv, n);
		else if (!strcmp(argv[0], "xsk_kick"))
			cmd_xsk_kick(argv, n);
		else if (!strcmp(argv[0], "xsk_fill"))
			cmd_xsk_fill(argv, n);
		else if (!strcmp(argv[0], "xsk_comp"))
			cmd_xsk_consume(argv, n, 0);
		else if (!strcmp(argv[0], "xsk_rx"))
			cmd_xsk_consume(argv, n, 1);
		else if (!strcmp(argv[0], "xsk_state"))
			cmd_xsk_state(argv, n);
		else if (!strcmp(argv[0], "xskmap_set"))
			cmd_xskmap_set(argv, n);
		else if (!strcmp(argv[0], "xsk_close"))
			cmd_xsk_close(argv, n);
		else
			fail(EINVAL, argv[0]);
	}
	return 0;
}
