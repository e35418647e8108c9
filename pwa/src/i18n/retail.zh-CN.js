// 零售的文字（zh-CN）；键与 retail.en.js 相同。
export default {
  permission: {
    retail_view: '查看零售销售单、退货单、日结和零售库存异常',
    retail_sell: '柜台零售（零售销售单），按商品零售价',
    retail_price_override: '以不同于零售价的价格销售',
    retail_return: '按零售销售单退货并退款（零售退货单）',
    retail_cashup: '柜台日结：按账户清点当日收款',
    retail_exceptions: '处理零售库存异常：补记等待库存的销售出库',
  },
}
