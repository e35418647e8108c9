// The answer page's own decisions, pure (Vitest: pwa/tests/claims.test.js).

/** A refused answer file's cells, row by row: [{row, col, msg}] from errors named `rows.<n>.<column>`. */
export function badRows(errors = {}) {
  return Object.entries(errors)
    .map(([key, msgs]) => {
      const m = /^rows\.(\d+)\.(.+)$/.exec(key)
      return m ? { row: Number(m[1]), col: m[2], msg: (msgs || []).join('; ') } : { row: 0, col: key, msg: (msgs || []).join('; ') }
    })
    .sort((a, b) => a.row - b.row)
}
