// 调拨的文字（zh-CN）；键与 transfer.en.js 相同。
export default {
  permission: {
    transfer_view: '查看申请单、调拨单、调拨收货单和在途货物',
    transfer_request: '录入和提交本网点的申请单（手工或从缺料单选取）',
    transfer_approve: '审批申请单（可改数量）或拒绝',
    transfer_issue: '录入、发出和红冲本单位仓库的调拨单',
    transfer_receive: '本网点收调拨货物，登记短缺、溢余和破损',
  },
  menu: {
    transferReceive: '调拨收货', transferInTransit: '在途货物',
    desc: { transferReceive: '扫描或确认调入的货物，登记短缺、破损和溢余', transferInTransit: '所有已发出未收货的调拨单和在途天数' },
  },
  transfer: {
    waybill: '运单号',
    approve: {
      title: '审批调拨申请', asked: '申请 {n}', quantity: '批准数量', price: '调拨价', inStock: '库存 {n}', stockUnknown: '库存未知',
      chooseWarehouse: '先选调出仓库', dropped: '不发（0）', changed: '由 {from} 改为 {to}', total: '申请 {asked} 件，批准 {approved} 件',
      submit: '批准', submitIssue: '批准并发货', done: '已批准，调拨单 {number}', fix: '请按各处提示修改后再批准',
      notOpen: '这张申请单{state}，不能再审批', back: '返回申请单',
    },
    receive: {
      title: '调拨收货', subtitle: '扫描序列号或物料条码清点；短缺、破损要选由谁承担', none: '没有发往本网点的在途调拨单',
      units: '{n} 件', sent: '发出 {n}', received: '实收', damaged: '破损', scan: '扫描序列号 / 物料条码',
      scanHint: '扫一个回车一个', countFromZero: '从零开始扫描清点', allAsSent: '全部按发出数量', lossRule: '短缺/破损由谁承担',
      damageTo: '破损货物去向', short: '短缺 {n}', damagedN: '破损 {n}', over: '溢余 {n}（将登记为溢余）',
      submit: '确认收货', done: '已收货：{number}', printReport: '打印收货差异报告', printOrder: '打印调拨单 / 装箱清单',
      notInShipment: '{code} 不在这批货里', rule: { sender: '发货方承担', courier: '向承运方索赔' },
      to: { defective: '入本网点不良品仓', back: '退回调出方' },
      mark: { received: '实收', damaged: '破损', missing: '短缺' },
    },
    inTransit: {
      title: '在途货物', subtitle: '已发出、尚未收货的调拨单，最久的在前', minDays: '在途天数不少于', none: '没有在途的调拨单',
      total: '合计 {q} 件，成本 ¥{v}', days: '{n} 天',
      col: { number: '调拨单号', doc_date: '发出日期', days: '在途', from_org_name: '调出单位', to_org_name: '调入单位', waybill: '运单号', quantity: '数量', value: '成本' },
    },
  },
}
