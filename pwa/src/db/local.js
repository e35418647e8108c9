// Small reads shared by the local query modules (db/repair.js, db/workshop.js).
import { engine } from '../sync/index.js'

/** The open local database `name`, or null when it is not open (logged out, no service point). */
export function dbOrNull(name) {
  try {
    return engine.db(name)
  } catch {
    return null
  }
}

/** A `_local` (or any) document, or `{_id, ...fallback}` when there is none yet. */
export async function readLocal(db, id, fallback) {
  try {
    return await db.get(id)
  } catch (e) {
    if (e.status === 404) return { _id: id, ...fallback }
    throw e
  }
}
