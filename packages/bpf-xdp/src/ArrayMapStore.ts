/**
 * A BPF_MAP_TYPE_ARRAY's storage: max_entries values of value_size bytes back to back (.data,
 * .bss and .rodata are one-element arrays whose value is the section, as libbpf makes them;
 * .rodata is frozen after load: readonly to the program). One store per loaded object, shared by
 * its programs (a devtx submit and complete program see the same .bss); each VM that runs one of
 * them reaches it through an ArrayMapRef — the map-handle region's `map` — naming the value
 * region that VM gave it.
 */
export interface ArrayMapStore {
  readonly name: string
  readonly maxEntries: number
  readonly valueSize: number
  readonly bytes: Uint8Array
  readonly readonly: boolean
}

export interface ArrayMapRef {
  readonly kind: "array"
  readonly store: ArrayMapStore
  /** high half of pointers into this VM's value region of the store */
  readonly valuePtrHi: number
}

export const newArrayMapStore = (name: string, maxEntries: number, valueSize: number, initial: Uint8Array | undefined, readonly: boolean): ArrayMapStore => {
  const bytes = new Uint8Array(maxEntries * valueSize)
  if (initial !== undefined) bytes.set(initial.subarray(0, bytes.length))
  return { name, maxEntries, valueSize, bytes, readonly }
}
