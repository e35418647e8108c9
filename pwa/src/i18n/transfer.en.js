// Transfers' words (en); keys mirror transfer.zh-CN.js.
export default {
  permission: {
    transfer_view: 'See transfer requests, transfer orders, their receipts and what is in transit',
    transfer_request: "Make and submit a point's transfer requests, by hand or from the shortage register",
    transfer_approve: 'Approve (changing quantities) or refuse transfer requests',
    transfer_issue: 'Make, issue and reverse transfer orders from the own warehouses',
    transfer_receive: 'Receive transfer orders at the own point, recording shortfalls, surpluses and damage',
  },
  menu: {
    transferReceive: 'Receive transfers', transferInTransit: 'In transit',
    desc: { transferReceive: 'Scan or confirm incoming goods; record shortfalls, damage and surpluses', transferInTransit: 'Every transfer issued and not yet received, and for how long' },
  },
  transfer: {
    waybill: 'Waybill',
    approve: {
      title: 'Approve transfer request', asked: 'Asked {n}', quantity: 'Approved quantity', price: 'Transfer price', inStock: 'In stock {n}', stockUnknown: 'Stock unknown',
      chooseWarehouse: 'Choose the warehouse first', dropped: 'Not sent (0)', changed: 'Changed from {from} to {to}', total: '{asked} asked, {approved} approved',
      submit: 'Approve', submitIssue: 'Approve and issue', done: 'Approved: transfer order {number}', fix: 'Correct what is marked, then approve',
      notOpen: 'This request is {state}: it can no longer be approved', back: 'Back to the request',
    },
    receive: {
      title: 'Receive a transfer', subtitle: 'Count by scanning serials or item codes; say who bears a shortfall or damage', none: 'No transfer on its way to this point',
      units: '{n} units', sent: 'Sent {n}', received: 'Received', damaged: 'Damaged', scan: 'Scan a serial / item code',
      scanHint: 'One scan, one Enter', countFromZero: 'Count from zero by scanning', allAsSent: 'All as sent', lossRule: 'Loss borne by',
      damageTo: 'Damaged goods to', short: 'Short {n}', damagedN: 'Damaged {n}', over: 'Over {n} (declared as surplus)',
      submit: 'Confirm receipt', done: 'Received: {number}', printReport: 'Print the discrepancy report', printOrder: 'Print the order / packing list',
      notInShipment: '{code} is not in this shipment', rule: { sender: "Sender's loss", courier: 'Claim on the courier' },
      to: { defective: "This point's defective stock", back: 'Back to the sender' },
      mark: { received: 'received', damaged: 'damaged', missing: 'missing' },
    },
    inTransit: {
      title: 'In transit', subtitle: 'Transfer orders issued and not received yet, oldest first', minDays: 'At least days in transit', none: 'Nothing in transit',
      total: '{q} units in all, cost ¥{v}', days: '{n} d',
      col: { number: 'Transfer order', doc_date: 'Issued', days: 'In transit', from_org_name: 'From', to_org_name: 'To', waybill: 'Waybill', quantity: 'Quantity', value: 'Cost' },
    },
  },
}
