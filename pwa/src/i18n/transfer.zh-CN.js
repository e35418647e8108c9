// 调拨的文字（zh-CN）；键与 transfer.en.js 相同。
export default {
  permission: {
    transfer_view: '查看申请单、调拨单、调拨收货单和在途货物',
    transfer_request: '录入和提交本网点的申请单（手工或从缺料单选取）',
    transfer_approve: '审批申请单（可改数量）或拒绝',
    transfer_issue: '录入、发出和红冲本单位仓库的调拨单',
    transfer_receive: '本网点收调拨货物，登记短缺、溢余和破损',
  },
}
