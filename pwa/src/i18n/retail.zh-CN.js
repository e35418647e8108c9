// 零售的文字（zh-CN）；键与 retail.en.js 相同。
export default {}
