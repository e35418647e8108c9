// The admin screens' words (zh-CN); keys mirror admin.en.js.
export default {}
