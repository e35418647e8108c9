// Small helpers the workshop screens share: names from master data, reasons in the user's language.

/** Symptom names and the free-text fault of an order's intake. */
export function faultText(order, md) {
  const ids = order?.intake?.symptom_ids || []
  const names = (md?.symptoms || []).filter((s) => ids.includes(s.id)).map((s) => s.name)
  return [...names, order?.intake?.fault_description].filter(Boolean).join('；')
}

/** A refusal reason of a status document ({code, en, zh-CN}) in `locale`. */
export function reasonText(r, locale) {
  if (!r) return ''
  if (typeof r === 'string') return r
  return r[locale] || r['zh-CN'] || r.en || r.code || ''
}

/** A colour per sync state of a workshop document. */
export const SYNC_COLORS = { posted: 'positive', rejected: 'negative', waiting: 'amber-9', pending: 'amber-8' }
export const SYNC_KEYS = { posted: 'workshop.common.posted', rejected: 'workshop.common.rejected', waiting: 'workshop.common.waitingOrder', pending: 'workshop.common.syncPending' }
