// 劳务费申报的文字（zh-CN）；键与 claims.en.js 相同。
export default {
  permission: {
    claims_view: '查看劳务费申报单及其明细',
    claims_manage: '生成劳务费申报单、修改草稿明细、设置厂家导出格式',
    claims_submit: '向厂家提交劳务费申报单（申报的备件费记入厂家应收）',
    claims_answer: '录入厂家对申报单的回复（逐行或导入 Excel）',
    claims_settle: '结算已回复的申报单，登记厂家付款',
  },
  menu: {
    claimAnswer: '导入厂家回复',
    desc: { claimAnswer: '导入厂家回复的 Excel，或逐行录入通过、核减、拒绝' },
  },
  claims: {
    answer: {
      title: '厂家回复', subtitle: '导入厂家回复的 Excel（按行ID或IMEI+维修单号对应），或逐行录入', claim: '申报单',
      pick: '选择已申报的申报单', file: '回复文件（.xlsx）', upload: '导入', export: '导出申报 Excel', imported: '已导入：{n} 行已回复',
      bad: '文件有错误，未做任何更改：', row: '第 {row} 行 {col}：{msg}', accepted: '通过', cut: '核减', rejected: '拒绝',
      amount: '核定金额', reason: '原因', print: '打印申报单', save: '保存本行', none: '没有待回复的申报单', answered: '{n}/{total} 行已回复',
      col: { order_number: '维修单号', imei: 'IMEI', model_name: '机型', amount: '申报金额', result: '结果' },
    },
  },
}
