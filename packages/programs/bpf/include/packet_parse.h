/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Frame walking shared by the sample programs: Ethernet, up to two 802.1Q/802.1ad tags, IPv4
 * (IHL*4) or IPv6 (40 bytes, no extension headers), then UDP/TCP — the walk of
 * packages/programs/src/hw-metadata/HwMetadataProgram.ts (udpDstPortOffset) and
 * packages/programs/src/raw/FrameL4Locator.ts (l4Locate), with the bounds checks the verifier
 * requires before every read.
 */
#ifndef DEVTX_PACKET_PARSE_H
#define DEVTX_PACKET_PARSE_H

#define DEVTX_ETH_P_IP 0x0800
#define DEVTX_ETH_P_IPV6 0x86DD
#define DEVTX_ETH_P_8021Q 0x8100
#define DEVTX_ETH_P_8021AD 0x88A8
#define DEVTX_IPPROTO_TCP 6
#define DEVTX_IPPROTO_UDP 17

/* Offset from `data` of the transport header and its protocol, or -1 (not IPv4/IPv6, truncated). */
static __always_inline int l4_offset(const __u8 *data, const __u8 *end, __u8 *proto, int skip_fragments)
{
	int p = 12;
	__u16 type;

	if (data + p + 2 > end)
		return -1;
	type = (data[p] << 8) | data[p + 1];
#pragma unroll
	for (int i = 0; i < 2; i++) {
		if (type != DEVTX_ETH_P_8021AD && type != DEVTX_ETH_P_8021Q)
			break;
		p += 4;
		if (data + p + 2 > end)
			return -1;
		type = (data[p] << 8) | data[p + 1];
	}
	p += 2;
	if (type == DEVTX_ETH_P_IP) {
		if (data + p + 20 > end)
			return -1;
		if (skip_fragments && (((data[p + 6] << 8) | data[p + 7]) & 0x3fff) != 0)
			return -1;
		*proto = data[p + 9];
		return p + (data[p] & 0x0f) * 4;
	}
	if (type == DEVTX_ETH_P_IPV6) {
		if (data + p + 40 > end)
			return -1;
		*proto = data[p + 6];
		return p + 40;
	}
	return -1;
}

#endif
