// Retail (零售) words (en); the same keys as retail.zh-CN.js.
export default {
  permission: {
    retail_view: 'See retail sales, returns, cash-ups and the retail stock exceptions',
    retail_sell: 'Sell at the counter at the items\' retail prices',
    retail_price_override: 'Sell at another price than the retail price',
    retail_return: 'Take goods back against a retail sale and refund them',
    retail_cashup: 'Close the counter\'s day: count the takings per account',
    retail_exceptions: 'Post the stock side of retail sales waiting in the exception list',
  },
}
