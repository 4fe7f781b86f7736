/**
 * The metadata kfunc table against the kernel: kfunc symbols exist in the running kernel's BTF
 * (except the proposed checksum one, which must not), xdp_metadata_ops has exactly the mainline
 * members in table order, and features derive from the ops a driver fills.
 */
import {
  MAX_XDP_METADATA_KFUNC,
  METADATA_KFUNC_TABLE,
  NetdevXdpRxMetadata,
  xdpRxMetadataFeaturesOf,
  xdpRxMetadataFeatureNames,
  xdpRxMetadataValue
} from "@devtx/core"
import { describe, expect, it } from "vitest"
import { hasKernelBtf, kernelEnum, kernelFuncNames, kernelStructBody } from "../support/KernelBtfDump.js"

describe("METADATA_KFUNC_TABLE", () => {
  it("orders rows as enum xdp_rx_metadata and marks checksum as proposed", () => {
    expect(METADATA_KFUNC_TABLE.map((r) => r.enumName)).toEqual([
      "XDP_METADATA_KFUNC_RX_TIMESTAMP",
      "XDP_METADATA_KFUNC_RX_HASH",
      "XDP_METADATA_KFUNC_RX_VLAN_TAG",
      "XDP_METADATA_KFUNC_RX_CHECKSUM"
    ])
    expect(xdpRxMetadataValue("XDP_METADATA_KFUNC_RX_VLAN_TAG")).toBe(2)
    expect(MAX_XDP_METADATA_KFUNC).toBe(3)
    expect(METADATA_KFUNC_TABLE[3]!.status).toBe("proposed, not in mainline")
    expect(METADATA_KFUNC_TABLE.map((r) => r.feature)).toEqual([1, 2, 4, 8])
  })

  it("derives feature bits from the ops a driver fills, named as ynl names them", () => {
    const f = () => 0
    expect(xdpRxMetadataFeaturesOf({ xmoRxHash: f, xmoRxVlanTag: f })).toBe(NetdevXdpRxMetadata.HASH | NetdevXdpRxMetadata.VLAN_TAG)
    expect(xdpRxMetadataFeaturesOf(undefined)).toBe(0)
    expect(xdpRxMetadataFeatureNames(15)).toEqual(["timestamp", "hash", "vlan-tag", "checksum"])
  })

  it.runIf(hasKernelBtf())("matches the running kernel: kfunc symbols, enum xdp_rx_metadata, xdp_metadata_ops", () => {
    const funcs = kernelFuncNames()
    for (const row of METADATA_KFUNC_TABLE) {
      const present = funcs.has(row.kfunc)
      expect([row.kfunc, present]).toEqual([row.kfunc, row.status === "mainline"])
    }
    const e = kernelEnum("xdp_rx_metadata")
    for (const row of METADATA_KFUNC_TABLE.filter((r) => r.status === "mainline")) {
      expect(e.get(row.enumName)).toBe(xdpRxMetadataValue(row.enumName))
    }
    expect(e.get("MAX_XDP_METADATA_KFUNC")).toBe(MAX_XDP_METADATA_KFUNC)
    const members = kernelStructBody("xdp_metadata_ops").map((l) => /\(\*(\w+)\)/.exec(l)?.[1])
    expect(members).toEqual(METADATA_KFUNC_TABLE.filter((r) => r.status === "mainline").map((r) => r.kernelOp))
  })
})
