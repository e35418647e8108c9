// 批发的文字（zh-CN）；键与 wholesale.en.js 相同。
export default {
  permission: {
    sales_view: '查看销售订单、发货单、销售退货单及毛利',
    sales_manage: '录入、提交、作废和关闭销售订单',
    sales_price: '修改销售订单行的单价或折扣（偏离批发价和客户折扣）',
    sales_approve: '审批超出客户信用额度的销售订单',
    sales_deliver: '按销售订单发货（发货单）和红冲发货单',
    sales_return: '按发货单办理销售退货和红冲退货单',
  },
}
