// Which documents of the point's database are the workshop's: its event types and their status documents.
export const WORKSHOP_TYPES = ['engineer_requisition', 'engineer_return', 'repair_part', 'repair_handover', 'repair_packing_list', 'repair_packing_receive', 'repair_packing_close']
const TYPES = new Set(WORKSHOP_TYPES)

/** Whether a document belongs to the workshop (one of its events, or the status of one). */
export function isWorkshopDoc(doc) {
  if (!doc || typeof doc._id !== 'string') return false
  if (doc._id.startsWith('status:')) return TYPES.has(doc.event_type)
  return TYPES.has(doc.type)
}
