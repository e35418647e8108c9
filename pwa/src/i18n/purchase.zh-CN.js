// 采购的文字（zh-CN）；键与 purchase.en.js 相同。
export default {
  permission: {
    purchase_view: '查看采购订单、采购入库单和采购退货单',
    purchase_manage: '录入和修改采购订单（草稿），取消采购订单',
    purchase_approve: '审批和关闭采购订单',
    purchase_receive: '按采购订单收货入库，向供应商退货',
    purchase_reverse: '红冲采购入库单和采购退货单',
  },
}
