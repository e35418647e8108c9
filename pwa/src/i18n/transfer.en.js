// Transfers' words (en); keys mirror transfer.zh-CN.js.
export default {
  permission: {
    transfer_view: 'See transfer requests, transfer orders, their receipts and what is in transit',
    transfer_request: "Make and submit a point's transfer requests, by hand or from the shortage register",
    transfer_approve: 'Approve (changing quantities) or refuse transfer requests',
    transfer_issue: 'Make, issue and reverse transfer orders from the own warehouses',
    transfer_receive: 'Receive transfer orders at the own point, recording shortfalls, surpluses and damage',
  },
}
