// 换机柜台的文字（zh-CN）；键与 exchange.en.js 相同。
export default {
  menu: {
    exchangeIntake: '换机受理', exchangeOrders: '柜台换机单',
    desc: { exchangeIntake: '按三包规则判定能否换机，现场换机或返厂换机', exchangeOrders: '本网点的换机单：交付新机、发厂、到货、打印' },
  },
  exchange: {
    noPoint: '换机在服务网点柜台办理：此账号在本设备上没有网点数据。',
    offlineIntake: '离线受理：保存在本机，联网后提交',
    saved: '已保存，正在提交',
    savedHere: '已保存在本机，联网后提交',
    savedHereChip: '已保存在本机',
    saveFailed: '保存失败，请重试',
    done: '已完成',
    intake: {
      photos: '外观照片', photosHint: '划痕、磕碰、屏幕：当面拍照，随单保存', signature: '客户签名', signatureHint: '客户在换机受理单上签名，打印在单据上',
      device: '旧机', imei: 'IMEI（扫码或输入 15 位）', model: '机型', modelFromTac: '按 IMEI 识别', purchaseDate: '购机日期',
      purchaseHint: '没有保修卡时按发票日期', fault: '故障', faultDescription: '故障描述', customer: '客户', member: '会员',
      walkIn: '散客', phone: '手机号', name: '姓名', mode: '换机方式', override: '例外换机原因', overrideHint: '规则不允许换机：须填写原因（记入审计）',
      note: '备注', save: '保存换机受理',
    },
    verdict: {
      title: '三包判定', yes: '可以换机', no: '按规则不能换机', options: '可选', days: '售出第 {n} 天', waiting: '输入 IMEI 和机型后判定',
      local: '离线判定：按本机数据（声明的购机日期），提交时以服务器为准',
    },
    problem: {
      required: '必填', phone: '不是手机号', tooLong: '太长', digits: 'IMEI 只能是数字', length: 'IMEI 是 15 位', luhn: 'IMEI 校验位不对：请重新扫描',
      future: '不能晚于今天', notAllowed: '规则不允许换机，须由有例外换机权限的人办理', oldUnit: '这是客户的旧机：请扫描新机',
      money: '金额，最多两位小数', tooLarge: '金额太大', invalid: '签名无效：请重新签名', tooMany: '照片太多',
    },
    order: {
      signed: '客户已在受理单上签名', notSigned: '受理时未签名', reverse: '红冲上一步', reverseHint: '撤销“{step}”：库存、款项、保修卡恢复原样', reverseWhat: '撤销“{step}”？它产生的库存移动、款项和保修卡将被冲回，并记入审计。', reverseConfirm: '红冲', reversedDone: '已红冲',
      title: '换机单', notFound: '本机没有这张换机单', provisional: '临时编号', rejected: '服务器拒绝了此受理',
      rejectedHint: '请核对后重新受理', eventRejected: '{event}：服务器拒绝', correctHint: '请更正后重做这一步',
      oldImei: '旧机 IMEI', newImei: '新机 IMEI', factoryImei: '厂家新机 IMEI', oldUnitAt: '旧机位置', history: '办理记录',
      actions: '可办理', noActions: '当前没有可办理的步骤', needsNetwork: '需要联网', intakeStep: '换机受理', reverseStep: '红冲',
      reversed: '已红冲', replacementScan: '扫描新机 IMEI', factoryImeiScan: '扫描厂家新机 IMEI', oldImeiScan: '扫描旧机 IMEI（核对）',
      carrier: '承运商', trackingNo: '运单号', fee: '差价 / 费用', account: '收款账户', reason: '原因', signature: '客户签名',
      confirm: '确认', offlineHint: '离线也可办理：保存在本机，联网后提交',
      link: { from_repair: '来自维修单', repair: '转为维修单' },
    },
    loaner: { title: '换机备机单', hint: '客户等待厂家新机期间借用备机，取新机时归还', serial: '备机 IMEI', dueDate: '归还日期', lend: '借出备机', lent: '备机已借出', due: '{date} 前归还', returned: '已归还', giveBack: '已归还（完好）', returnedDone: '备机 {serial} 已归还', outFirst: '备机 {number}（IMEI {serial}）尚未归还：请先收回', returnEvent: '归还备机',
      problem: { out: '这台备机已借出', past: '不能早于今天', notOpen: '换机单未在办理中，不能借出备机', notWaiting: '只有等待厂家新机的返厂换机可借备机' } },
    unitAt: { customer: '客户处', defective: '坏品仓', transit: '在途', factory: '厂家' },
    sync: { pending: '已保存在本机', waiting: '已提交，等待处理', posted: '已生效', rejected: '被拒绝' },
    list: { search: '单号 / IMEI / 电话 / 姓名', state: '状态', all: '全部', pendingSync: '未提交', empty: '没有换机单' },
    papers: { 'exchange-ticket': '换机受理单', 'exchange-certificate': '换机凭证' },
  },
}
