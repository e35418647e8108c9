// Retail: English words; the same keys as retail.zh-CN.js.
export default {}
