"""The words of every message a person may read from the server, in English and zh-CN, stated once.

Operations raise their errors in English (the key); the error handler (server/http.py) and the
sync worker's refusal reasons (sync/reasons.py) answer them in the reader's language through
:func:`translate`. A key may be a template: ``{name}`` stands for a value filled in at run time
(an f-string's ``{…}``); a value that is itself a catalogued word (a state, a status, a kind of
record) is translated too. Text no entry knows is left as it is: the machine codes some fields
carry on purpose (a guard's name, a permission), which the PWA reads with the exported machine. tests/test_messages.py walks the source and fails on a message without zh-CN words.
"""

from __future__ import annotations

import re
from functools import lru_cache

LANGUAGES = ("zh-CN", "en")

# English template → zh-CN template (same placeholders).
CATALOGUE: dict[str, str] = {
    # -- marshmallow's standard messages (every schema's input) --------------------------------
    "Missing data for required field.": "必填",
    "Field may not be null.": "必填",
    "Unknown field.": "未知字段",
    "Invalid input type.": "输入类型不对",
    "Invalid input.": "输入不正确",
    "Invalid type.": "类型不对",
    "Invalid value.": "取值不正确",
    "Not a valid string.": "须为文本",
    "Not a valid UUID.": "须为有效的编号（UUID）",
    "Not a valid integer.": "须为整数",
    "Not a valid number.": "须为数字",
    "Not a valid boolean.": "须为是或否",
    "Not a valid date.": "须为有效日期",
    "Not a valid list.": "须为列表",
    "Not a valid tuple.": "须为列表",
    "Not a valid mapping type.": "须为对象",
    "Not a valid email address.": "须为有效的电子邮箱",
    "Not a valid URL.": "须为有效的网址",
    "Not a valid IP address.": "须为有效的 IP 地址",
    "Not a valid IP interface.": "须为有效的 IP 接口",
    "Not a valid IPv4 address.": "须为有效的 IPv4 地址",
    "Not a valid IPv4 interface.": "须为有效的 IPv4 接口",
    "Not a valid IPv6 address.": "须为有效的 IPv6 地址",
    "Not a valid IPv6 interface.": "须为有效的 IPv6 接口",
    "Not a valid period of time.": "须为有效的时长",
    "Not a valid utf-8 string.": "须为有效的 UTF-8 文本",
    "Not a valid {obj_type}.": "须为有效的{obj_type}",
    "Not a valid {awareness} {obj_type}.": "须为有效的{awareness}{obj_type}",
    '"{input}" cannot be formatted as a date.': "“{input}”无法作为日期",
    '"{input}" cannot be formatted as a {obj_type}.': "“{input}”无法作为{obj_type}",
    "{input!r} cannot be formatted as a timedelta.": "{input!r} 无法作为时长",
    "Number too large.": "数值太大",
    "Special numeric values (nan or infinity) are not permitted.": "不允许 NaN 或无穷大",
    "String does not match expected pattern.": "格式不正确",
    "Length must be between {min} and {max}.": "长度须在 {min} 到 {max} 个字符之间",
    "Length must be {equal}.": "长度须为 {equal}",
    "Longer than maximum length {max}.": "最多 {max} 个字符",
    "Shorter than minimum length {min}.": "至少 {min} 个字符",
    "Must be equal to {other}.": "须等于 {other}",
    "Must be one of: {choices}.": "须为以下之一：{choices}",
    "One or more of the choices you made was not in: {choices}.": "有选项不在可选范围内：{choices}",
    "One or more of the choices you made was in: {values}.": "有选项不允许：{values}",
    "Must be greater than or equal to {min}.": "须大于或等于 {min}",
    "Must be greater than {min}.": "须大于 {min}",
    "Must be less than or equal to {max}.": "须小于或等于 {max}",
    "Must be less than {max}.": "须小于 {max}",
    "Must be greater than or equal to {min} and less than or equal to {max}.": "须在 {min} 到 {max} 之间",
    "Must be greater than {min} and less than {max}.": "须大于 {min} 且小于 {max}",
    "datetime": "日期时间", "date": "日期", "time": "时间", "naive": "不带时区的", "aware": "带时区的",
    # -- the error handler itself ---------------------------------------------------------------
    "invalid input: {fields}": "输入有误：{fields}",
    "invalid input: {fields} and {more} more": "输入有误：{fields} 等（另有 {more} 项）",
    "internal error; quote request id {rid}": "服务器内部错误，请向管理员报告请求编号 {rid}",
    "conflicts with stored records (a duplicate, or a reference to a missing record)":
        "与已保存的数据冲突（重复，或引用了不存在的数据）",
    "a value the database cannot store": "数据库无法保存此值",
    "Not Found": "没有找到", "Method Not Allowed": "不支持此请求方式",
    "Request Entity Too Large": "请求内容太大", "Unsupported Media Type": "不支持的内容类型",
    "Precondition Required": "缺少前提条件", "Precondition Failed": "前提条件不满足",
    "Too Many Requests": "请求太频繁", "Bad Request": "请求不正确",
    # werkzeug's own answers (a wrong URL or method, a body too large …)
    "The browser (or proxy) sent a request that this server could not understand.": "服务器无法理解此请求",
    "The requested URL was not found on the server. If you entered the URL manually please check your spelling and try again.":
        "没有找到请求的地址",
    "The method is not allowed for the requested URL.": "此地址不支持这种请求方式",
    "The data value transmitted exceeds the capacity limit.": "发送的数据超过容量上限",
    "The server does not support the media type transmitted in the request.": "服务器不支持请求的内容类型",
    'This request is required to be conditional; try using "If-Match" or "If-Unmodified-Since".': "此请求须带前提条件（If-Match）",
    "The precondition on the request for the URL failed positive evaluation.": "请求的前提条件不满足",
    "This user has exceeded an allotted request count. Try again later.": "请求次数超出限制，请稍后再试",
    # -- the edge (server/inputs.py) ------------------------------------------------------------
    "must not contain control characters": "不能包含控制字符",
    "is nested more than {n} levels deep": "嵌套超过 {n} 层",
    "is not valid JSON": "不是有效的 JSON",
    "must be a finite number": "须为有限数值",
    "must be a Decimal, not {type}": "须为十进制数，不能是 {type}",
    # -- general --------------------------------------------------------------------------------
    "required": "必填",
    "must not be empty": "不能为空",
    "too large": "太大",
    "too long": "太长",
    "true or false": "须为是或否",
    "must be true or false": "须为是或否",
    "must be text": "须为文本",
    "must be a string": "须为文本",
    "must be an id": "须为编号",
    "must be a UUID": "须为有效的编号（UUID）",
    "must be a date": "须为日期",
    "must be a date (YYYY-MM-DD)": "须为日期（年-月-日）",
    "is not a valid date": "不是有效日期",
    "is in the future": "不能是将来的日期",
    "must not be in the future": "不能是将来的时间",
    "must not be in the past": "不能是过去的时间",
    "must be positive": "须大于零",
    "must not be negative": "不能为负数",
    "must not be zero": "不能为零",
    "must be an amount": "须为金额",
    "at most two decimal places": "最多两位小数",
    "at most {n} characters": "最多 {n} 个字符",
    "at most {n} days": "最多 {n} 天",
    "at most {n} lines": "最多 {n} 行",
    "must be between {a} and {b}": "须在 {a} 到 {b} 之间",
    "must be at most {n} in absolute value": "绝对值最多 {n}",
    "must be a whole number of milliseconds": "须为整数毫秒",
    "listed twice": "重复列出",
    "already taken": "已被占用",
    "already used by another record": "已被其他记录使用",
    "already used by another organisation": "已被其他组织使用",
    "used by another line of this document": "本单据的另一行已使用",
    "is wrong": "不正确",
    "unreadable": "无法读取",
    "not found": "没有找到",
    "would make a cycle": "会形成循环",
    "unknown ids: {ids}": "不存在的编号：{ids}",
    "no such {what}": "没有这个{what}",
    "no such active fault symptom": "没有这个启用的故障现象",
    "no such active item": "没有这个启用的产品",
    "no such active manufacturer": "没有这个启用的厂家",
    "no such active model": "没有这个启用的型号",
    "no such active party": "没有这个启用的往来单位",
    "no such active repair level": "没有这个启用的维修级别",
    "no such active warehouse at this service point": "本网点没有这个启用的仓库",
    "no such active warranty status": "没有这个启用的保修状态",
    "no such item": "没有这个产品",
    "no such organisation": "没有这个组织",
    "no such party": "没有这个往来单位",
    "no such user": "没有这个用户",
    "no such record in {kind}": "{kind}中没有这条记录",
    "no such {what} in the document's organisation": "单据所属组织没有这个{what}",
    "must be a {what}": "须为{what}",
    "at least one line": "至少需要一行",
    "at least one line is required": "至少需要一行",
    "line {n}: {message}": "第 {n} 行：{message}",
    "enter the counted quantity (0 or more)": "请填写盘点数量（0 或以上）",
    "enter the new unit cost": "请填写新的单位成本",
    "master data is read-only": "主数据只读",
    # -- text checks (server/basedata/text.py) --------------------------------------------------
    "must be 15 digits": "IMEI 须为 15 位数字",
    "check digit is wrong (Luhn)": "IMEI 校验位不正确",
    "must be a phone number of 6-20 digits": "手机号格式不正确（6–20 位数字）",
    "a TAC is 8 digits": "TAC 为 8 位数字",
    "2-16 letters or digits": "2–16 位字母或数字",
    "2-64 letters, digits, dot, dash or underscore": "2–64 位字母、数字、点、连字符或下划线",
    "letters, digits, dot, dash, underscore": "字母、数字、点、连字符、下划线",
    # -- sign-in, accounts and roles (server/auth) ---------------------------------------------
    "wrong username or password": "用户名或密码错误",
    "account is deactivated": "账号已停用",
    "account is deactivated or gone": "账号已停用或不存在",
    "that account is deactivated": "该账号已停用",
    "organisation is deactivated": "所属组织已停用",
    "too many failed logins: try again in {n} s": "登录失败次数过多：请 {n} 秒后再试",
    "missing bearer token": "缺少登录凭证",
    "invalid access token": "登录凭证无效",
    "access token expired": "登录已过期",
    "not an access token": "不是登录凭证",
    "the session has ended": "会话已结束",
    "refresh token expired": "登录已过期，请重新登录",
    "refresh token revoked": "登录已失效，请重新登录",
    "refresh token reused; the session is revoked": "登录凭证被重复使用，会话已注销",
    "unknown refresh token": "登录凭证无效，请重新登录",
    "not a session of yours": "不是您的会话",
    "missing permission {permission}": "缺少权限 {permission}",
    "missing permission stock.view": "缺少权限 stock.view",
    "missing permission exchange.view": "缺少权限 exchange.view",
    "needs {permission}": "需要权限 {permission}",
    "must not be the username": "不能与用户名相同",
    "must be at least {n} characters": "至少 {n} 个字符",
    "must be at most {n} characters": "最多 {n} 个字符",
    "must mix letters with digits or symbols": "须同时包含字母和数字或符号",
    "leave the switched session to change a password": "请先退出切换的会话再修改密码",
    "use leave to return to your own account": "请用“退出切换”回到自己的账号",
    "you are not acting as another user": "您当前没有切换为其他用户",
    "cannot act as another administrator": "不能切换为另一位管理员",
    "acting user is no longer an administrator": "切换者已不再是管理员",
    "you cannot deactivate yourself": "不能停用自己的账号",
    "you cannot remove your own admin role": "不能去掉自己的管理员角色",
    "at least one role is required": "至少需要一个角色",
    "unknown role(s): {roles}": "不存在的角色：{roles}",
    "you may not grant the role(s) {roles}": "您不能授予角色 {roles}",
    "may not grant {role}": "不能授予角色 {role}",
    "{roles} only for headquarters accounts": "{roles} 仅限总部账号",
    "holds {roles}": "拥有角色 {roles}",
    "{user} holds {roles}, which you may not grant: you may not manage that account":
        "{user} 拥有您不能授予的角色 {roles}：您不能管理该账号",
    "you may manage accounts of your own organisation only": "只能管理本组织的账号",
    # -- organisations and scoping (server/org) -------------------------------------------------
    "this record belongs to another organisation": "这条记录属于其他组织",
    "you may change your own organisation's records only": "只能修改本组织的记录",
    "a customer's data is changed only where the customer was served": "客户资料只能由服务过该客户的网点修改",
    "a service point registers customers' data at its own organisation": "网点只能在本网点登记客户资料",
    "not served by your organisation": "本组织没有服务过",
    "not your organisation": "不是本组织",
    "not your service point": "不是本网点",
    "not a service point": "不是服务网点",
    "there is already a headquarters": "已经有总部了",
    "headquarters has no parent": "总部没有上级",
    "headquarters is level 0": "总部为第 0 级",
    "headquarters cannot be deactivated": "总部不能停用",
    "service points start at level 1": "服务网点从第 1 级开始",
    "must be a higher-level point (level below {level})": "须为上级网点（级别小于 {level}）",
    "{name} reports to this point and is level {level}": "{name} 隶属本网点，级别为 {level}",
    "must be a service point (leave empty to report to headquarters)": "须为服务网点（留空则直属总部）",
    "a service point that forwards its repairs to this one": "须为向本网点转送维修的网点",
    # -- documents, periods, ledgers (server/core, server/finance, server/stock) ----------------
    "no such document": "没有这张单据",
    "a reversal needs a reason": "红冲须填写原因",
    "a document cannot reverse itself": "单据不能红冲自己",
    "a reversal cannot itself be reversed; post a new document instead": "红冲单不能再红冲，请另开一张新单据",
    "is a reversal": "是红冲单",
    "cannot {action} a document that is {status}{hint}": "单据{status}，不能{action}{hint}",
    "this document type is not audited; cannot {action}": "此类单据不需要审核，不能{action}",
    "{field} is in a closed period (closed through {date})": "{field} 所在期间已结账（结账至 {date}）",
    "you may close periods of your own organisation only": "只能为本组织结账",
    "you may post to your own organisation's books only": "只能记入本组织的账",
    "the document's entries belong to another organisation": "单据的分录属于其他组织",
    "already posted to this ledger": "已记入此账",
    "{kind} {number} is already posted to {ledger}": "{kind} {number} 已记入 {ledger}",
    "already reversed": "已红冲",
    "{kind} {number} is already reversed": "{kind} {number} 已红冲",
    "{kind} {number} was reversed by another transaction": "{kind} {number} 已被另一操作红冲",
    "these entries are themselves a reversal; post a new document instead": "这些分录本身是红冲，请另开一张新单据",
    "account {account} is inactive": "账户 {account} 已停用",
    "the balance is {balance}: move the money out before closing the account": "余额为 {balance}：请先转出资金再停用账户",
    "cannot change: the account has ledger entries": "账户已有流水，不能修改",
    "choose the cash drawer or bank account": "请选择现金或银行账户",
    "required for a bank account": "银行账户必填",
    "must be receivable or payable": "须为应收或应付",
    "kind must be one of {kinds}": "类型须为以下之一：{kinds}",
    "required for this counterparty_kind": "此往来类型必填",
    "an organisation is not its own counterparty": "组织不能是自己的往来单位",
    "must not be after date_to": "不能晚于结束日期",
    "must not be after until": "不能晚于结束日期",
    "reversing a {kind} needs {permission}": "红冲{kind}需要权限 {permission}",
    "no such warehouse document": "没有这张仓库单据",
    "no such warehouse in the document's organisation": "单据所属组织没有这个仓库",
    "the warehouse is deactivated": "仓库已停用",
    "must be a {kinds} warehouse": "须为{kinds}仓库",
    "must differ from the source warehouse": "须与调出仓库不同",
    "source and destination are the same location": "调出和调入是同一位置",
    "a move must start or end in the organisation's own stock": "库存移动须从本组织库存调出或调入",
    "required for stock coming in": "入库时必填",
    "no {item} on hand to revalue": "{item} 没有库存，无法调价",
    "no {item} on hand at {location} to revalue": "{location} 没有 {item} 的库存，无法调价",
    "no disassembly formula for {item}": "{item} 没有拆装公式",
    "a formula needs at least one component": "拆装公式至少需要一个组件",
    "a component cannot be a whole device": "组件不能是整机",
    "one main line: the whole device and how many": "一行主件：整机及数量",
    "list the serial of every unit counted": "请列出每件盘点数量的串号",
    "only whole devices and mainboards are tracked by IMEI/serial": "只有整机和主板按 IMEI/串号管理",
    "{item} is tracked by serial: give {n} distinct serials": "{item} 按串号管理：请填写 {n} 个不同的串号",
    "{item} is not tracked by serial": "{item} 不按串号管理",
    "{serial} is not at {location}": "{serial} 不在 {location}",
    "{serial} is already in stock": "{serial} 已在库存中",
    "not enough {item} {name} at {location}: {on_hand} on hand, {needed} needed, {missing} missing":
        "{location} 的 {item} {name} 库存不足：现有 {on_hand}，需要 {needed}，缺 {missing}",
    "{missing} missing at {location}": "{location} 缺 {missing}",
    "the shortage is already {status}": "缺料记录已{status}",
    "no such shortage": "没有这条缺料记录",
    "a whole device tracked by IMEI": "按 IMEI 管理的整机",
    "must be a whole device": "须为整机",
    "must be an accessory item": "须为附件",
    "good or damaged": "须为良品或坏品",
    # -- base data (server/basedata) ------------------------------------------------------------
    "in use by other records: deactivate it instead of deleting": "已被其他记录使用：请停用而不是删除",
    "in use; set active to false": "已被使用：请改为停用",
    "does not match the model's brand": "与型号的品牌不一致",
    "not an accessory of this model": "不是此型号的随机附件",
    "must be a party with the dealer role": "须为经销商往来单位",
    "must be a party with the manufacturer role": "须为厂家往来单位",
    "the account belongs to another organisation": "该账号属于其他组织",
    "the account does not have the engineer role": "该账号没有工程师角色",
    "must be an account of the engineer's organisation": "须为工程师所在组织的账号",
    "no such engineer in this organisation": "本组织没有这位工程师",
    "no such active engineer in the document's organisation": "单据所属组织没有这位在职工程师",
    "a CSV file must be UTF-8": "CSV 文件须为 UTF-8 编码",
    "not a readable .xlsx workbook": "无法读取此 .xlsx 工作簿",
    "not a readable CSV file: {reason}": "无法读取此 CSV 文件：{reason}",
    "upload a .xlsx or .csv file": "请上传 .xlsx 或 .csv 文件",
    "the file is empty": "文件是空的",
    "at most {n} rows per import": "每次最多导入 {n} 行",
    # -- repair orders (server/repair) ---------------------------------------------------------
    "no such repair order": "没有这张维修工单",
    "not your order": "不是本网点的工单",
    "not the order's service point": "不是工单所属网点",
    "no open repair order for IMEI {imei}": "IMEI {imei} 没有未完结的维修工单",
    "devices are taken in at a service point; headquarters accounts cannot": "机器须在服务网点受理，总部账号不能受理",
    "an intake opens the order named by its own _id": "受理单以自身编号开立工单",
    "this event opens the document named by its own _id": "此单据以自身编号开立",
    "a walk-in customer has no id": "散客没有会员编号",
    "no member with this phone: register the member, or take the device in as a walk-in": "没有此手机号的会员：请先登记会员，或改为散客受理",
    "no such member": "没有这位会员",
    "required: the IMEI's TAC is not in the TAC table": "必填：IMEI 的号段（TAC）不在号段表中",
    "the IMEI's TAC is unknown: choose the model": "IMEI 的号段（TAC）未知：请选择机型",
    "give a fault symptom code or describe the fault": "请选择故障现象或描述故障",
    "this fault symptom does not apply to the device's model": "此故障现象不适用于该机型",
    "overriding the computed warranty status needs a reason": "修改系统判定的保修状态须填写原因",
    "no warranty status is configured for this case: choose one": "没有适用于此情况的保修状态：请选择一个",
    "must be A (self), B (forwarded) or C (return to factory); D comes by conversion": "须为 A（自行维修）、B（转送维修）或 C（返厂维修）；D 由转换得到",
    "A (self), B (forwarded) or C (return to factory)": "须为 A（自行维修）、B（转送维修）或 C（返厂维修）",
    "B (to the higher-level point) or C (to the factory)": "须为 B（转送上级网点）或 C（返厂）",
    "forward, return or factory": "须为转送、送回或返厂",
    "the signature is required": "须由客户签字",
    "a list of photo hashes": "须为照片编号列表",
    "must be the SHA-256 of an uploaded photo": "须为已上传照片的 SHA-256",
    "upload the photo first (POST /api/blobs)": "请先上传照片",
    "no such photo": "没有这张照片",
    "must be a JPEG, PNG or WebP image": "须为 JPEG、PNG 或 WebP 图片",
    "must be a data URL of at most {n} characters or a SHA-256": "须为不超过 {n} 个字符的 data URL 或 SHA-256",
    "must be a data:image/…;base64 URL or the SHA-256 of an uploaded image": "须为 data:image/…;base64 URL 或已上传图片的 SHA-256",
    "which engineer repairs it?": "请指定维修工程师",
    "the order has no engineer": "工单还没有指定工程师",
    "no such active engineer at this service point": "本网点没有这位在职工程师",
    "no such active user at the service point holding the device": "机器所在网点没有这位在职用户",
    "already holds the device": "机器已在此人手中",
    "1 (very unhappy) to 5 (very happy)": "1（很不满意）到 5（很满意）",
    "an un-audit needs a reason": "反审核须填写原因",
    "repair.view is needed to export repair orders": "导出维修工单需要权限 repair.view",
    "the stored passcode cannot be read with the current key": "保存的开机密码无法用当前密钥读取",
    # quotation and parts
    "a quotation is made before the repair starts": "报价须在开始维修前完成",
    "no such quotation": "没有这份报价",
    "no such quotation on this order": "此工单没有这份报价",
    "the quotation is already {status}": "报价已{status}",
    "part or labour": "须为配件或工时",
    "a whole number of parts, at least 1": "数量须为 1 以上的整数",
    "the repair level sets the labour charge: choose it": "工时费由维修级别决定：请选择维修级别",
    "parts are recorded while the repair is in progress": "配件须在维修进行中登记",
    "no such part": "没有这个配件",
    "no such repair method": "没有这种处理方法",
    # deposits, refunds, settlement
    "deposits are taken before pickup": "押金须在取机前收取",
    "more than the deposit held ({held})": "超过已收押金（{held}）",
    "more than the customer paid for this repair ({paid})": "超过客户为此维修已付的金额（{paid}）",
    "a refund needs a reason": "退款须填写原因",
    "say why the refund is refused": "请填写拒绝退款的原因",
    "no such refund slip": "没有这张退款单",
    "no such refund slip on this order": "此工单没有这张退款单",
    "this refund slip is {status} already": "此退款单已{status}",
    "this refund slip was refused": "此退款单已被拒绝",
    "refused": "已拒绝",
    "no such money account": "没有这个资金账户",
    "no such active money account at this service point": "本网点没有这个启用的资金账户",
    "a batch order is settled with its batch, on the distributor's account": "批量工单随批次结算，记入经销商往来",
    "settled with the batch": "随批次结算",
    # loaners
    "no such loaner slip": "没有这张备用机借用单",
    "no such loaner slip on this order": "此工单没有这张备用机借用单",
    "not your loaner": "不是本网点的备用机",
    "loaners are lent by the service point that took the device in": "备用机由受理网点借出",
    "loaners are lent while the order is open": "备用机只在工单未完结时借出",
    "when the loaner is due back": "请填写备用机归还日期",
    "this service point has no {kind} warehouse": "本网点没有{kind}仓库",
    "this service point has no defective warehouse": "本网点没有坏品仓库",
    "{serial} is not in {code} {name}": "{serial} 不在 {code} {name}",
    "{serial} is out on {number}": "{serial} 已借出（{number}）",
    "{serial} was returned already": "{serial} 已归还",
    "already returned": "已归还",
    "at most the deposit ({deposit})": "最多为押金（{deposit}）",
    "only a damaged loaner is charged for": "只有损坏的备用机才收费",
    "the loaner comes back to the point that lent it": "备用机须归还到借出网点",
    "the loaner slip is not posted": "备用机借用单尚未过账",
    # handovers, packing lists, forwarding
    "the device has left the service point": "机器已离开本网点",
    "the device is on the road or at the factory": "机器在运输途中或在厂家",
    "the device was forwarded to another service point": "机器已转送到其他网点",
    "the device comes back to the service point that took it in": "机器须回到受理网点",
    "devices are forwarded to the own higher-level point only": "机器只能转送到本网点的上级网点",
    "this service point has no higher-level point to forward to": "本网点没有可转送的上级网点",
    "no such packing list": "没有这张装箱单",
    "only the sending service point packs the box": "只有发出网点可以装箱",
    "the box is checked in where it arrives": "箱子在到达网点签收",
    "the list has been sent": "装箱单已发出",
    "the list has been sent already": "装箱单已经发出",
    "the list has been sent: devices are packed while it is a draft": "装箱单已发出：只有草稿可以装机",
    "the list has not been sent": "装箱单尚未发出",
    "the list is closed": "装箱单已关闭",
    "this order is not on the list": "此工单不在装箱单上",
    "pack at least one device": "请至少装一台机器",
    "not the sending point": "不是发出网点",
    "not the receiving point": "不是收货网点",
    "already scanned": "已扫描",
    "{imei} is already on this list as line {line}": "{imei} 已在本装箱单第 {line} 行",
    "{imei} is already packed on {list}": "{imei} 已装入 {list}",
    "{imei} belongs to another service point": "{imei} 属于其他网点",
    "{imei} was not forwarded from the list's destination": "{imei} 不是从装箱单的目的网点转来的",
    "{imei} was already checked in (line {line})": "{imei} 已签收（第 {line} 行）",
    "{imei} was already scanned as unexpected (line {line})": "{imei} 已作为多出的机器扫描（第 {line} 行）",
    # distributor batches
    "no such batch": "没有这个批次",
    "no such active distributor or dealer": "没有这个启用的经销商",
    "name the order or scan the IMEI": "请指定工单或扫描 IMEI",
    "scan at least one device": "请至少扫描一台机器",
    "not a device of this batch": "不是本批次的机器",
    "not a field of a batch device": "不是批量机器的字段",
    "already in this batch as line {line} ({imei})": "已在本批次第 {line} 行（{imei}）",
    "the batch's intake is closed": "本批次已停止受理",
    "the batch's intake is closed already": "本批次已经停止受理",
    "close the batch's intake first": "请先结束本批次的受理",
    "every device of the batch has been completed already": "本批次的机器都已完成",
    "{order} was picked up already": "{order} 已取机",
    "already picked up": "已取机",
    "an event of the repair machine (pickup: use the batch pickup)": "须为维修流程的操作（取机请用批量取机）",
    # the repair machine's refusals (server/repair/statemachine.py)
    "unknown event {event}": "未知操作 {event}",
    "unknown event": "未知操作",
    "{event}: not allowed while the order is {state}": "{event}：工单{state}时不允许",
    "{event} needs the permission {permission}": "{event}需要权限 {permission}",
    "completed": "已完成", "closed": "已关闭",
    # sync events (sync/schemas: the JSON schema's words, jsonschema's own messages)
    "an event is a JSON object": "单据须为 JSON 对象",
    "is required": "必填",
    "unknown event type {type}": "未知的单据类型 {type}",
    "is not a valid event of this type": "不是此类型的有效单据",
    "is not a field of this event": "不是此单据的字段",
    "is not a valid date and time": "不是有效的日期时间",
    "{value} is not of type {type}": "{value} 的类型不对（须为 {type}）",
    "{value} is too long": "{value} 太长",
    "{value} is too short": "{value} 太短",
    "{value} is not one of {choices}": "{value} 不在可选范围内：{choices}",
    "{value} does not match {pattern}": "{value} 格式不正确（{pattern}）",
    "{value} is less than the minimum of {min}": "{value} 小于最小值 {min}",
    "{value} is greater than the maximum of {max}": "{value} 大于最大值 {max}",
    "{value} is not a {format}": "{value} 不是有效的 {format}",
    # accessory swap (server/swap) and custody stock
    "goods in custody never enter or leave the organisation's own stock": "代管的货物不能调入或调出本组织库存",
    "a list of serials": "须为序列号列表",
    "a serial is given twice": "有序列号重复",
    "accessories are handled by a service point": "附件对换由服务网点办理",
    "an accessory or part (batteries, chargers, headsets)": "须为附件或配件（电池、充电器、耳机）",
    "from {low} to {high}": "须在 {low} 到 {high} 之间",
    "must be a whole number": "须为整数",
    "must be an object": "须为对象",
    "no such accessory intake line": "没有这条附件受理明细",
    "not a line of this send": "不是这张发厂单的明细",
    "not this distributor's intake at this point": "不是本网点这家经销商的受理",
    "one of {choices}": "须为以下之一：{choices}",
    "sent by another service point": "是其他网点发厂的",
    "serials not on the intake line": "序列号不在受理明细上",
    "taken in at another service point": "是其他网点受理的",
    "{item} needs {n} serials, one per unit": "{item} 需要 {n} 个序列号，每件一个",
    "{n} of this intake line not returned yet": "这条受理明细尚未归还的只有 {n}",
    "{n} of this intake line not sent yet": "这条受理明细尚未发厂的只有 {n}",
    "{n} still out at the factory on this line": "这条明细仍在厂家的只有 {n}",
    "{n} {item} held for this distributor": "为该经销商代管的 {item} 只有 {n}",
    "{serial}…: at most {max} characters": "{serial}…：最多 {max} 个字符",
    "accessory intake": "附件受理单", "send to factory": "对换发厂单", "receipt from factory": "对换发回单",
    "return to distributor": "归还客户单", "swap document": "对换单据",
    # printing and QR codes
    "not a printed document's code: out of range": "不是打印单据上的码：超出范围",
    "not a printed document's code: {char} is not a base32 character": "不是打印单据上的码：{char} 不是 base32 字符",
    "not a printed document's code: {n} characters starting with {kinds}": "不是打印单据上的码：须为以 {kinds} 开头的 {n} 位字符",
    "no such form; one of {forms}": "没有这种单据格式；可选：{forms}",
    "{form} prints on {papers}": "{form} 可打印在 {papers}",
    # sync (sync/proxy.py)
    "no such database": "没有这个数据库",
    "not a sync database": "不是同步数据库",
    "this database belongs to another service point": "此数据库属于其他网点",
    "not served through the sync proxy": "同步代理不提供此服务",
    "only normal and longpoll feeds are served": "只提供 normal 和 longpoll 变更流",
    "the sync store is not reachable; try again later": "同步库暂时无法连接，请稍后再试",
    "must be a list of documents": "须为单据列表",
    "the PWA is not built: run `make run` (or `npm ci && npm run build` in pwa/)": "前端尚未构建：请运行 `make run`（或在 pwa/ 中运行 `npm ci && npm run build`）",
    # a priced line (server/trade/pricing.py)
    "must be a number": "须为数字", "must be greater than zero": "须大于零", "must be at most {n}": "最多为 {n}",
    "at most four decimal places": "最多四位小数", "must be at least 0 and less than 1": "须不小于 0 且小于 1",
    # exchange (server/exchange)
    "no such exchange order": "没有这张换机单",
    "this model has no whole-device item tracked by IMEI: add one to the catalogue": "此型号没有按 IMEI 管理的整机物料：请先在物料中添加",
    "A (on-site) or B (return to factory); C and D come by conversion": "须为 A（现场换机）或 B（返厂换机）；C、D 由转换而来",
    "this device is on the open exchange order {number}": "此机器已在未完成的换机单 {number} 上",
    "this IMEI is in stock: not a customer's unit": "此 IMEI 在库存中，不是客户的机器",
    "the rules allow no exchange for this device: give the reason to override them": "按三包规则此机不能换机：如要例外处理请填写原因",
    "overriding the exchange rules needs the permission exchange.override": "例外换机需要权限 exchange.override",
    "which manufacturer replaces this unit? set it on the brand's rule or the order": "由哪个厂家换机？请在品牌规则或换机单上指定",
    "this is the customer's own unit": "这是客户自己的机器",
    "not the device of this exchange order": "不是本换机单的机器",
    "{imei} is not in this service point's good stock": "{imei} 不在本网点的良品库存中",
    "{imei} is in {code} {name}, not a good-stock warehouse": "{imei} 在 {code} {name}，不是良品仓",
    "{imei} is a {item}: the replacement must be the same model": "{imei} 是 {item}：换机须为同型号",
    "{imei} has a warranty card already: it was sold": "{imei} 已有保修卡：此机已售出",
    "the old unit is not in transit in the stock ledger": "库存账上旧机不在途中",
    "not in transit": "不在途中",
    "the manufacturer's unit is of another model: the replacement must be the same model": "厂家的机器是其他型号：换机须为同型号",
    "{imei} is in stock already": "{imei} 已在库存中",
    "{imei} is no longer in this service point's stock": "{imei} 已不在本网点库存中",
    "an exchange is worked by the service point that took it in": "换机单由受理网点办理",
    "reversing a step needs the permission exchange.reverse": "红冲需要权限 exchange.reverse",
    "nothing left to reverse on this order": "此单已没有可红冲的步骤",
    "a conversion to repair continues as the repair order; it is not reversed": "换机转维修后按维修单继续办理，不能红冲",
    "an exchange converted from a repair is not cancelled here": "由维修转来的换机单不能在此作废",
    "no such brand": "没有这个品牌",
    "at most the exchange days": "不能超过换机天数",
    "no such fault symptom": "没有这个故障现象",
    "battery, charger or headset": "须为电池、充电器或耳机",
    # exchange packing lists and loaner slips, the repair deposit carried over (issue 17 §5, issue 16 §9)
    "no open repair or exchange order for IMEI {imei}": "IMEI {imei} 没有未完结的维修单或换机单",
    "{order}: an exchange unit goes to the manufacturer, on a factory list": "{order}：换机旧机只能装入发厂装箱单",
    "{order} is replaced by another manufacturer": "{order} 由另一家厂家换机",
    "this is the customer's old unit: scan the manufacturer's replacement and name the unit it replaces (replaces_imei)":
        "这是客户的旧机：请扫描厂家的新机，并注明它替换的旧机（replaces_imei）",
    "no exchange unit with this IMEI on the list": "装箱单上没有此 IMEI 的换机旧机",
    "loaners are lent while the exchange is open": "换机单未完结时才能借出备机",
    "a loaner is lent while the customer waits for the manufacturer's unit (mode B)": "返厂换机（B）客户等候厂家新机期间才能借出备机",
    "the loaner {serial} is still out on {number}: take it back first": "备机 {serial}（{number}）尚未归还：请先收回备机",
    "a deposit is carried over by the service point that holds it": "押金须由收取押金的网点结转",
    "only a repair converted to an exchange carries its deposit over": "只有转为换机的维修单才能结转押金",
    "not converted to an exchange": "未转换机",
    "the deposit was carried over already ({number})": "押金已结转（{number}）",
    "carried over": "已结转",
    "the exchange has given the customer a unit already: refund the deposit instead": "换机单已把新机交给客户：请改为退还押金",
    "no deposit is held on this order": "此单没有押金",
    # several payers per job (server/repair/split.py)
    "a list of payers' shares": "须为各付款方分摊列表",
    "at most {MAX_SHARES} shares, one per payer": "最多 {MAX_SHARES} 项分摊，每个付款方一项",
    "a share: payer and amount": "一项分摊：付款方和金额",
    "one of customer, manufacturer, insurer, goodwill": "应为 客户、厂家、保险公司 或 网点让利（customer, manufacturer, insurer, goodwill）",
    "this payer is named twice": "该付款方出现了两次",
    "the customer is the order's, goodwill the point's own: no party": "客户即工单的客户，让利由网点承担：不填往来单位",
    "name the manufacturer (the order has no repair level)": "请指定厂家（工单没有维修级别）",
    "name the {payer}": "请指定{payer}",
    "the party is not a {role}": "该往来单位不是{role}",
    "text of at most 200 characters": "最多 200 个字的文本",
    "nothing to split: the bill is 0": "无可分摊：费用为 0",
    "the shares add up to {added}, the bill is {total}": "分摊合计 {added}，费用合计 {total}",
    "the bill is settled: its split is fixed": "费用已结算：分摊不能再改",
    "the payers' shares add up to {added} but the bill is now {total}: split it again": "各方分摊合计 {added}，但费用现为 {total}：请重新分摊",
    # words filled into templates
    "good": "良品", "defective": "坏品", "damaged": "坏品", "loaner": "备用机",
    "accepted": "接受", "declined": "谢绝", "superseded": "作废", "pending": "待定",
    "approved": "批准", "open": "未处理", "resolved": "已处理", "cancelled": "已取消",
    "post": "过账", "reverse": "红冲", "audit": "审核", "unaudit": "反审核", "edit": "修改", "delete": "删除",
    "draft": "为草稿", "posted": "已过账", "audited": "已审核", "reversed": "已红冲",
    "cash": "现金", "bank": "银行",
    "insurer": "保险公司", "manufacturer": "厂家",
}

_PLACEHOLDER = re.compile(r"\{([^{}]*)\}")


def placeholders(template: str) -> list[str]:
    return _PLACEHOLDER.findall(template)


def shape(template: str) -> str:
    """The template with its placeholders unnamed (``{}``): how the source's f-strings are compared."""
    return _PLACEHOLDER.sub("{}", template)


@lru_cache(maxsize=1)
def _shapes() -> frozenset[str]:
    return frozenset(shape(k) for k in _catalogue())


def has(message_shape: str) -> bool:
    """Whether a message (its shape: placeholders as ``{}``) has zh-CN words."""
    return message_shape in _shapes()


@lru_cache(maxsize=1)
def _catalogue() -> dict[str, str]:
    """The catalogue and the words of the registries that name things (the repair machine's states,
    events and guards), so a label stated there is not restated here."""
    from .repair import statemachine as sm

    words = dict(CATALOGUE)
    for label in sm.STATE_LABELS.values():
        words.setdefault(label["en"], label["zh-CN"])
    for t in sm.TRANSITIONS.values():
        words.setdefault(t.label["en"], t.label["zh-CN"])
    for g in sm.GUARDS.values():
        words.setdefault(g.label["en"], g.label["zh-CN"])
    from .exchange import statemachine as xm

    for labels in (xm.STATE_LABELS.values(), (t.label for t in xm.TRANSITIONS.values()), (g.label for g in xm.GUARDS.values())):
        for label in labels:
            words.setdefault(label["en"], label["zh-CN"])
    from .areas import modules

    for m in modules("words"):
        words.update(m.CATALOGUE)
    return words


@lru_cache(maxsize=1)
def _templates() -> list[tuple[re.Pattern, list[str], str]]:
    """Templates with placeholders as anchored patterns, the most literal text first (so
    ``no such active item`` is never read as ``no such {what}``)."""
    out = []
    for en, zh in _catalogue().items():
        names = placeholders(en)
        if not names:
            continue
        parts = _PLACEHOLDER.split(en)  # literal, name, literal, name, …
        pattern = "".join(re.escape(p) if i % 2 == 0 else "(.+?)" for i, p in enumerate(parts))
        out.append((re.compile(f"^{pattern}$", re.S), names, zh, len(shape(en)) - 2 * len(names)))
    out.sort(key=lambda x: -x[3])
    return [(p, n, z) for p, n, z, _ in out]


_FIELD_PREFIX = re.compile(r"^([\w.\[\]]+): (.+)$", re.S)


def translate(message: str, language: str) -> str:
    """``message`` in ``language`` (zh-CN or en); text no entry knows is returned unchanged."""
    if language != "zh-CN" or not isinstance(message, str):
        return message
    found = _translate(message)
    if found is not None:
        return found
    m = _FIELD_PREFIX.match(message)  # InvalidInput's "field: message"
    if m and (rest := _translate(m.group(2))) is not None:
        return f"{m.group(1)}: {rest}"
    return message


def _translate(message: str) -> str | None:
    words = _catalogue()
    if message in words:
        return words[message]
    for pattern, names, zh in _templates():
        m = pattern.match(message)
        if m:
            values = {name: words.get(value, value) for name, value in zip(names, m.groups())}
            return _PLACEHOLDER.sub(lambda x: values.get(x.group(1), x.group(0)), zh)
    return None


def translate_errors(errors: dict[str, list[str]], language: str) -> dict[str, list[str]]:
    if language != "zh-CN":
        return errors
    return {field: [translate(m, language) for m in msgs] for field, msgs in errors.items()}


def language_of(accept_language: str | None) -> str:
    """zh-CN when the reader asks for Chinese first among the languages we answer in, else en."""
    best, best_q = "en", -1.0
    for i, part in enumerate((accept_language or "").split(",")):
        tag, _, params = part.strip().partition(";")
        tag = tag.strip().lower()
        if not tag:
            continue
        q = 1.0
        if params.strip().startswith("q="):
            try:
                q = float(params.strip()[2:])
            except ValueError:
                q = 0.0
        lang = "zh-CN" if tag == "zh" or tag.startswith("zh-") else "en" if tag == "en" or tag.startswith("en-") else None
        if lang and q > best_q:
            best, best_q = lang, q
    return best
