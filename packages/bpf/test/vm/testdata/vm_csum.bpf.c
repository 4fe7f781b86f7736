// SPDX-License-Identifier: GPL-2.0
/*
 * VM fixture: a small XDP-style program compiled by clang, run by both engines of the VM with
 * a known answer (VmClang.test.ts computes the same in TypeScript). Everything lives in .text
 * (no SEC), so the bpf-to-bpf calls are resolved by the compiler and the raw section is a
 * complete instruction image: no ELF loader needed. Rebuild: ./build.sh
 *
 * Result (u64 in r0):
 *   bits 63..48  EtherType (bpf_ntohs of bytes 12..13)
 *   bits 47..32  number of bytes in [14, len) equal to 0xff  (bounded loop, packet bounds checks)
 *   bits 31..16  (u64 sum of the 10 header words * 2654435761) / 1000003 % 65536 (64-bit mul/div/mod)
 *   bits 15..0   IPv4-style header checksum of bytes 14..33 (ones' complement fold, noinline)
 * or -1 (all ones) for a packet shorter than 34 bytes.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

static __attribute__((noinline)) __u32 fold(__u64 sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (__u32)sum;
}

static __attribute__((noinline)) __u64 count_ff(__u8 *p, __u8 *end)
{
	__u64 n = 0;
#pragma clang loop unroll(disable)
	for (int i = 14; i < 1500; i++) {
		if (p + i + 1 > end)
			break;
		if (p[i] == 0xff)
			n++;
	}
	return n;
}

__u64 vm_csum(struct xdp_md *ctx)
{
	__u8 *p = (__u8 *)(long)ctx->data;
	__u8 *end = (__u8 *)(long)ctx->data_end;
	volatile __u16 words[10];
	__u64 sum = 0;
	__u64 mix;

	if (p + 34 > end)
		return (__u64)-1;
	for (int i = 0; i < 10; i++)
		words[i] = *(__u16 *)(p + 14 + 2 * i);
	for (int i = 0; i < 10; i++)
		sum += words[i];
	mix = (sum * 2654435761ULL) / 1000003 % 65536;
	return ((__u64)bpf_ntohs(*(__u16 *)(p + 12)) << 48) | (count_ff(p, end) << 32) | (mix << 16) |
	       (~fold(sum) & 0xffff);
}
