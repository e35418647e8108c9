// 简体中文: the workshop screens' strings (menu entries under menu.*), merged into zh-CN.js.
export default {}
