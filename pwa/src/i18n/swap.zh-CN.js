// The accessory swap screens' words (zh-CN); keys mirror swap.en.js.
export default {
  menu: {
    swapIntake: '附件受理', swapReturn: '归还客户', swapFactory: '对换发厂 / 发回', swapHistory: '对换记录',
    desc: { swapIntake: '经销商的电池、充电器、耳机送来对换：逐件登记，断网也能受理', swapReturn: '把换回或未送厂的附件还给经销商', swapFactory: '附件寄往厂家，厂家发回时登记短缺和替换型号', swapHistory: '按经销商、物料、序列号查对换进度和在厂时长' },
  },
  swap: {
    noPoint: '附件对换在服务网点的柜台办理：本账户没有网点的本机数据。',
    party: '经销商', contact: '联系人', phone: '联系电话', item: '物料', quantity: '数量', condition: '状况', class: '附件类别',
    saleDate: '销售日期', fault: '故障', serials: '序列号（可选）', serial: '序列号',
    serialsHint: '扫描枪扫一个回车一个，也可粘贴一列', months: '保修 {n} 个月', until: '保修至 {date}', noSaleDate: '未填销售日期：按保外判定',
    addLine: '再加一行', removeLine: '删除此行', savedHere: '{what}已保存在本机，联网后上传过账', savedHereHint: '先保存在本机，联网后由服务器过账',
    notNumbered: '未编号（待上传）', units: '{n} 件', correct: '更正', all: '全部单据', document: '单据', printSlip: '打印受理单', printSendList: '打印发厂清单',
    problem: {
      required: '必填', wholeNumber: '请输入正整数', tooMany: '数量过大', overHeld: '超过在店数量', tooLong: '内容过长', twice: '同一序列号出现两次',
      onePerUnit: '填写序列号时每件一个，数量要对上', future: '不能晚于今天', refused: '服务器拒绝了这一项，请更正',
      twoPending: '两张都还没上传的受理单不能一起归还：请分开归还',
    },
    intake: { title: '附件受理', subtitle: '经销商送来的电池、充电器、耳机：保内免费换同型号', submit: '保存受理', recent: '本机受理记录', none: '本机还没有附件受理', what: '附件受理单' },
    back: {
      title: '归还客户', subtitle: '选经销商，勾选还在店里的附件，交还对方', receiver: '领取人', submit: '保存归还', recent: '本机归还记录', noneMade: '本机还没有归还',
      none: '这个经销商没有在店里的附件', held: '在店 {n}', atFactory: '在厂 {n}', goingBack: '交还物料', what: '归还客户单', kept: '离线：按 {at} 保存在本机的对换记录',
    },
    factory: {
      title: '对换发厂 / 发回', subtitle: '附件寄往厂家；厂家发回时按发厂单登记实收、短缺和替换型号（需联网）',
      send: '对换发厂', receive: '对换发回', maker: '厂家', carrier: '承运商', waybill: '运单号', notSent: '未发 {n}',
      nothingToSend: '没有待发厂的附件', sendSubmit: '发往厂家', which: '发厂单', sentN: '发出 {n}', stillOut: '在厂 {n}', came: '实收', cameItem: '发回物料',
      substitute: '替换型号', short: '短缺 {n}', receiveSubmit: '登记发回', made: '{what} {number} 已过账',
    },
    history: {
      title: '对换记录', subtitle: '每张受理单的每一行：发厂、发回、归还，以及仍在厂家的数量和天数', outOnly: '只看在厂', none: '没有对换记录',
      kept: '离线：显示 {at} 保存在本机的记录', outFor: '在厂 {n} 件 · {days} 天', line: '受理 {q} · 发厂 {sent} · 发回 {received} · 归还 {returned} · 在店 {at}',
      col: {
        intake_number: '受理单号', doc_date: '日期', party_name: '经销商', item: '物料', serials: '序列号', verdict: '处理', quantity: '受理',
        sent: '发厂', received: '发回', at_factory: '在厂', returned: '归还', at_point: '在店', days_out: '在厂天数',
      },
    },
  },
}
