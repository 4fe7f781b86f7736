/**
 * The raw hint templates by driver name. The raw design needs one code path per descriptor
 * format, so a driver without a template here has no raw probe (its raw styles are skipped with
 * that reason).
 */
import { iceRawHints } from "./IceRawHints.js"
import { mlx5RawHints } from "./Mlx5RawHints.js"
import type { RawHintTemplate } from "./RawProbe.js"
import { simRawHints } from "./SimRawHints.js"

const TEMPLATES: Readonly<Record<string, RawHintTemplate>> = { sim: simRawHints, mlx5: mlx5RawHints, ice: iceRawHints }

export const rawHintTemplateFor = (driver: string): RawHintTemplate | undefined => TEMPLATES[driver]
