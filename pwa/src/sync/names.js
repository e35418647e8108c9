// Which CouchDB databases a device replicates (design §2): its own service point's
// operational database `sp_<org code in lower case>` (both ways) and the read-only
// master data `master` (pull only). Headquarters is not a service point: an HQ
// account replicates master data only and works online against the API.

export const MASTER_DB = 'master'

export function servicePointDb(orgCode) {
  const code = String(orgCode || '').trim().toLowerCase()
  if (!/^[a-z0-9]{2,16}$/.test(code)) throw new Error(`not an organisation code: ${orgCode}`)
  return `sp_${code}`
}

/** [{name, direction: 'both'|'pull'}] for the organisation the user works in. */
export function databasesFor(org) {
  const dbs = []
  if (org && org.kind === 'service_point' && org.code) dbs.push({ name: servicePointDb(org.code), direction: 'both' })
  dbs.push({ name: MASTER_DB, direction: 'pull' })
  return dbs
}

/** Whether the organisation works on a point database of its own (a service point's counter), or
 *  only reads master data (headquarters). Null while the organisation is not known. */
export function hasPointDatabase(org) {
  return org ? databasesFor(org).some((d) => d.direction === 'both') : null
}

/** Local (IndexedDB) database name: prefixed so other apps on the origin never clash. */
export function localName(remoteName) {
  return `aftercare_${remoteName}`
}
