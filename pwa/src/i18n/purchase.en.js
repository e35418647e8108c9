// Purchasing: English words; the same keys as purchase.zh-CN.js.
export default {
  permission: {
    purchase_view: 'See purchase orders, purchase receipts and purchase returns',
    purchase_manage: 'Prepare and change purchase orders (drafts) and cancel them',
    purchase_approve: 'Approve purchase orders and close them',
    purchase_receive: 'Receive goods against purchase orders and return them to the supplier',
    purchase_reverse: 'Reverse purchase receipts and purchase returns',
  },
}
