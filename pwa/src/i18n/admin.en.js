// The admin screens' words (en); keys mirror admin.zh-CN.js.
export default {}
