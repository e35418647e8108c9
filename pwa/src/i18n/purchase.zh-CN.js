// 采购的文字（zh-CN）；键与 purchase.en.js 相同。
export default {}
