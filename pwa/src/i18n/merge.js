/** Objects merged key by key (later wins); used to put the locale modules together. */
export function deepMerge(...objects) {
  const out = {}
  for (const obj of objects) {
    for (const [k, v] of Object.entries(obj)) {
      out[k] = v && typeof v === 'object' && !Array.isArray(v) && out[k] && typeof out[k] === 'object' ? deepMerge(out[k], v) : v
    }
  }
  return out
}
