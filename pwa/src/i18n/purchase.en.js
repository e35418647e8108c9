// Purchasing: English words; the same keys as purchase.zh-CN.js.
export default {}
