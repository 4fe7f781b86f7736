/**
 * `--rss-key HEX`: the Toeplitz key as `ethtool -X <dev> hkey` takes it, colon-separated hex
 * bytes. The length is the driver's: the byte count of the `rssKey` of its default configuration
 * (40 for sim and mlx5, 52 for ice: ICE_GET_SET_RSS_KEY_EXTEND_KEY_SIZE). A driver whose
 * configuration has no `rssKey` string has no settable key. Returns the configuration override
 * `{ rssKey }` with the bytes in lower case.
 */
import { Effect } from "effect"
import { RssKeyError } from "../CliErrors.js"
import type { AnyDriverPackage } from "../drivers/InstalledDrivers.js"

const BYTE = /^[0-9a-fA-F]{2}$/

export const driverRssKeyLength = (driver: AnyDriverPackage): number | undefined => {
  const k = (driver.defaultConfig as Record<string, unknown>)["rssKey"]
  return typeof k === "string" ? k.split(":").length : undefined
}

export const rssKeyOverride = (driver: AnyDriverPackage, hex: string): Effect.Effect<{ readonly rssKey: string }, RssKeyError> => {
  const want = driverRssKeyLength(driver)
  const fail = (reason: string) => Effect.fail(new RssKeyError({ driver: driver.name, value: hex, reason }))
  if (want === undefined) return fail("the driver's configuration has no rssKey")
  const bytes = hex.split(":")
  for (let i = 0; i < bytes.length; i++)
    if (!BYTE.test(bytes[i]!)) return fail(`byte ${i} '${bytes[i]}' is not two hex digits (expected ${want} colon-separated bytes, ethtool -X hkey form)`)
  if (bytes.length !== want) return fail(`${bytes.length} bytes given, driver ${driver.name} takes a ${want}-byte key`)
  return Effect.succeed({ rssKey: bytes.join(":").toLowerCase() })
}
