// Wholesale: English words; the same keys as wholesale.zh-CN.js.
export default {
  permission: {
    sales_view: 'See sales orders, deliveries, sales returns and their gross profit',
    sales_manage: 'Enter, submit, cancel and close sales orders',
    sales_price: "Change a sales order line's price or discount from the wholesale price and the party's discount",
    sales_approve: "Approve sales orders over the customer's credit limit",
    sales_deliver: 'Deliver against sales orders (delivery notes) and reverse deliveries',
    sales_return: 'Take goods back against a delivery (sales returns) and reverse returns',
  },
}
