// Technician commissions and several payers per job (issue 19 §7, §8): zh-CN words; keys mirror commissions.en.js.
export default {
  permission: {
    commissions_view: '查看工程师提成：提成规则、工程师月度提成结算单',
    commissions_manage: '设置提成规则（按产品、品类、工程师级别和维修级别）',
  },
  menu: {
    commissions: '工程师提成',
    commissionRules: '提成规则',
    desc: {
      commissions: '每位工程师每月的提成：完工结算时计提，退款时冲回；可打印结算单',
      commissionRules: '提成规则：按产品 > 按品类 > 按工程师级别，可限定维修级别',
    },
  },
  commissions: {
    subtitle: '完工并结算的维修单按提成规则计提，退款按比例冲回',
    month: '月份', previous: '上个月', next: '下个月', rules: '提成规则',
    none: '本月没有提成', noLines: '本月无提成明细',
    engineer: '工程师', gradeLabel: '级别', grade: '{grade} 级',
    earned: '本月提成', reversed: '退款冲回', total: '应发提成',
    period: '{month} · {jobs} 张工单', print: '打印结算单',
    col: { date: '日期', order: '维修单号', document: '单据', line: '项目', rule: '规则', scope: '依据', base: '计提基数', rate: '比例', fixed: '固定额', amount: '提成' },
    kind: { part: '备件', labour: '工时', refund: '退款冲回' },
    scope: { item: '按产品', category: '按品类', grade: '按工程师级别' },
  },
  repair: {
    bill: { customer_share: '客户承担' },
    payers: {
      title: '付款方与毛利',
      payer: { customer: '客户', manufacturer: '厂家', insurer: '保险公司', goodwill: '网点让利' },
      payerCol: '付款方', share: '分摊', labourFee: '保内劳务费', partsClaimed: '保内备件（申报）', total: '合计', open: '未收',
      planned: '计划分摊（取机时结算）', single: '客户承担全部费用',
      revenue: '收入（各付款方）', goodwill: '网点让利', partsCost: '备件成本', commission: '工程师提成', estimated: '（预计）', margin: '毛利',
      edit: '分摊费用', dialogTitle: '各付款方分摊费用', billTotal: '费用合计 ¥{total}', sum: '已分摊 ¥{sum}', add: '增加付款方',
      party: '往来单位', amount: '金额', note: '备注', save: '保存分摊', clear: '清除分摊', saved: '已保存分摊', remove: '删除',
    },
  },
}
