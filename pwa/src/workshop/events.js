// The event documents the workshop writes (sync/schemas/*.json): parts requisitioned and
// fitted, handovers, packing lists sent, received and closed. Each carries the envelope of
// repair/events.js and only what its schema allows (unit tests validate them with Ajv against
// the schema files the server's proxy uses).
import { uuidv7 } from '../sync/ids.js'
import { envelope } from '../repair/events.js'
import { normaliseImei } from '../repair/imei.js'
import { splitDraft } from './packing.js'

const text = (v) => (typeof v === 'string' ? v.trim() : '')
const put = (doc, key, value) => {
  if (value === undefined || value === null || value === '' || (Array.isArray(value) && !value.length)) return
  doc[key] = value
}

/** A whole, positive number of pieces (1…99 for a fitted part); null when it is not one. */
export function pieces(value, max = 99) {
  const n = Number(String(value ?? '').trim())
  return Number.isInteger(n) && n >= 1 && n <= max ? n : null
}

/**
 * 工程师领料单: parts from the point's good warehouse into the engineer's hands, for an order
 * (reference = its number, else its provisional code). lines: [{itemId, quantity}].
 */
export function buildRequisition({ warehouseId, engineerId, reference, note, lines }, ctx) {
  const doc = envelope('engineer_requisition', ctx)
  doc.warehouse_id = warehouseId
  doc.engineer_id = engineerId
  put(doc, 'reference', text(reference).slice(0, 80))
  put(doc, 'note', text(note))
  doc.lines = lines.map((l) => ({ id: uuidv7(), item_id: l.itemId, quantity: String(pieces(l.quantity, 999999) || 1) }))
  return doc
}

/** 工程师退料 (surplus): parts drawn for an order and not fitted go back to the warehouse they came from. */
export function buildReturn({ warehouseId, engineerId, reference, note, lines }, ctx) {
  const doc = envelope('engineer_return', ctx)
  doc.warehouse_id = warehouseId
  doc.engineer_id = engineerId
  doc.kind = 'surplus'
  put(doc, 'reference', text(reference).slice(0, 80))
  put(doc, 'note', text(note))
  doc.lines = lines.map((l) => ({ id: uuidv7(), item_id: l.itemId, quantity: String(pieces(l.quantity, 999999) || 1) }))
  return doc
}

/** 维修用料: a drawn part is fitted into the order's device (the replaced one goes to the defective warehouse). */
export function buildPartUsed(orderId, { itemId, quantity = 1, serials = [], defectiveSerials = [] }, ctx) {
  const doc = envelope('repair_part', ctx)
  doc.order_id = orderId
  doc.item_id = itemId
  doc.quantity = pieces(quantity) || 1
  put(doc, 'serials', serials.map(text).filter(Boolean))
  put(doc, 'defective_serials', defectiveSerials.map(text).filter(Boolean))
  return doc
}

/** 维修机移交单: the device of an order passes to `toUserId`, who signs. */
export function buildHandover(orderId, { toUserId, signature, place, note }, ctx) {
  const doc = envelope('repair_handover', ctx)
  doc.order_id = orderId
  doc.to_user_id = toUserId
  doc.signature = signature
  put(doc, 'place', text(place).slice(0, 120))
  put(doc, 'note', text(note).slice(0, 300))
  return doc
}

/**
 * 装箱单发出: the box packed on this device, sent. Its _id becomes the list's id (and its own
 * order_id, which receipts and the close name). box: {purpose, manufacturerId, destinationOrgId,
 * carrier, trackingNo, note, orderIds, exchangeIds}: a factory box's exchange units (换机装箱单) go
 * as exchange_order_ids.
 */
export function buildPackingList(box, ctx) {
  const doc = envelope('repair_packing_list', ctx)
  doc.order_id = doc._id
  doc.purpose = box.purpose
  if (box.purpose === 'factory') put(doc, 'manufacturer_id', box.manufacturerId)
  else put(doc, 'destination_org_id', box.destinationOrgId)
  put(doc, 'carrier', text(box.carrier).slice(0, 80))
  put(doc, 'tracking_no', text(box.trackingNo).slice(0, 80))
  put(doc, 'note', text(box.note).slice(0, 500))
  const { orderIds, exchangeIds } = splitDraft(box)
  doc.order_ids = orderIds
  put(doc, 'exchange_order_ids', exchangeIds)
  return doc
}

/** 装箱单收货: one device of a sent list checked in here, signed by the receiver; an exchange unit's
 *  replacement names the old unit it replaces (replacesImei). */
export function buildPackingReceive(listId, { imei, signature, note, replacesImei }, ctx) {
  const doc = envelope('repair_packing_receive', ctx)
  doc.order_id = listId
  doc.imei = normaliseImei(imei)
  if (replacesImei) doc.replaces_imei = normaliseImei(replacesImei)
  put(doc, 'signature', signature)
  put(doc, 'note', text(note).slice(0, 300))
  return doc
}

/** 装箱单关闭: the check-in is over; devices never scanned become missing. */
export function buildPackingClose(listId, { note } = {}, ctx) {
  const doc = envelope('repair_packing_close', ctx)
  doc.order_id = listId
  put(doc, 'note', text(note).slice(0, 300))
  return doc
}
