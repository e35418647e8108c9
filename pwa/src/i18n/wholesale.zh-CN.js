// 批发的文字（zh-CN）；键与 wholesale.en.js 相同。
export default {}
