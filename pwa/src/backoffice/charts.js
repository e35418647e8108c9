// ECharts options of the dashboard, built from GET /api/reports/dashboard. Pure (t and the
// locale are passed in): unit-tested without a browser. Only bar and line charts with the grid,
// tooltip and legend components are used (see components/backoffice/BoChart.vue).

export const FONT = "'Noto Sans SC', -apple-system, 'Segoe UI', Roboto, 'PingFang SC', 'Microsoft YaHei', sans-serif"
export const COLORS = { primary: '#1f5f8b', secondary: '#2e8b6e', accent: '#d98e04', negative: '#c62828', grey: '#90a4ae' }
export const STATE_COLORS = {
  pending_acceptance: '#90a4ae',
  pending_repair: '#1976d2',
  pending_qc: '#7e57c2',
  pending_pickup: '#d98e04',
  completed: '#2e8b6e',
  followed_up: '#43a047',
  audited: '#1f5f8b',
}

const AXIS_LABEL = { color: '#5f6b76', fontSize: 12, fontFamily: FONT }
const SPLIT_LINE = { lineStyle: { color: '#e6ebf0' } }

function base() {
  return {
    textStyle: { fontFamily: FONT },
    animationDuration: 400,
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' }, textStyle: { fontFamily: FONT } },
  }
}

/** '2026-03-02' → '3/2' (zh) or 'Mar 2' (en). */
export function weekLabel(iso, locale) {
  const [y, m, d] = iso.split('-').map(Number)
  if (locale === 'en') return new Date(Date.UTC(y, m - 1, d)).toLocaleDateString('en', { month: 'short', day: 'numeric', timeZone: 'UTC' })
  return `${m}/${d}`
}

export function stateLabel(row, locale) {
  return row.label?.[locale] || row.label?.['zh-CN'] || row.state
}

/** Orders taken in during the period by their state now: one horizontal bar per state. */
export function stateChartOption(byState, { locale, t }) {
  const rows = [...(byState || [])].reverse() // first state on top
  return {
    ...base(),
    grid: { left: 8, right: 36, top: 8, bottom: 8, containLabel: true },
    xAxis: { type: 'value', minInterval: 1, axisLabel: AXIS_LABEL, splitLine: SPLIT_LINE },
    yAxis: { type: 'category', data: rows.map((r) => stateLabel(r, locale)), axisLabel: { ...AXIS_LABEL, fontSize: 13 }, axisTick: { show: false } },
    series: [{
      name: t('backoffice.dashboard.orders'),
      type: 'bar',
      barMaxWidth: 22,
      data: rows.map((r) => ({ value: r.count, itemStyle: { color: STATE_COLORS[r.state] || COLORS.primary, borderRadius: [0, 4, 4, 0] } })),
      label: { show: true, position: 'right', color: '#37474f', fontFamily: FONT },
    }],
  }
}

/** Per week: orders taken in and completed (bars), median days from intake to completion (line). */
export function turnaroundChartOption(weeks, { locale, t }) {
  const rows = weeks || []
  const intake = t('backoffice.dashboard.intake')
  const completed = t('backoffice.dashboard.completed')
  const median = t('backoffice.dashboard.medianDays')
  return {
    ...base(),
    color: [COLORS.grey, COLORS.secondary, COLORS.accent],
    legend: { top: 0, textStyle: { fontFamily: FONT, fontSize: 12 }, data: [intake, completed, median] },
    grid: { left: 8, right: 8, top: 36, bottom: 4, containLabel: true },
    xAxis: { type: 'category', data: rows.map((w) => weekLabel(w.week, locale)), axisLabel: AXIS_LABEL, axisTick: { alignWithLabel: true } },
    yAxis: [
      { type: 'value', name: t('backoffice.dashboard.orders'), minInterval: 1, axisLabel: AXIS_LABEL, nameTextStyle: AXIS_LABEL, splitLine: SPLIT_LINE },
      { type: 'value', name: t('backoffice.dashboard.days'), axisLabel: AXIS_LABEL, nameTextStyle: AXIS_LABEL, splitLine: { show: false } },
    ],
    series: [
      { name: intake, type: 'bar', barMaxWidth: 18, data: rows.map((w) => w.intake), itemStyle: { borderRadius: [3, 3, 0, 0] } },
      { name: completed, type: 'bar', barMaxWidth: 18, data: rows.map((w) => w.completed), itemStyle: { borderRadius: [3, 3, 0, 0] } },
      { name: median, type: 'line', yAxisIndex: 1, smooth: true, connectNulls: true, symbolSize: 7, data: rows.map((w) => w.median_days), lineStyle: { width: 3 } },
    ],
  }
}

/** Per service point: median days from intake to completion (headquarters). */
export function pointChartOption(byOrg, { t }) {
  const rows = (byOrg || []).filter((o) => o.completed > 0)
  return {
    ...base(),
    grid: { left: 8, right: 40, top: 8, bottom: 8, containLabel: true },
    xAxis: { type: 'value', name: t('backoffice.dashboard.days'), axisLabel: AXIS_LABEL, nameTextStyle: AXIS_LABEL, splitLine: SPLIT_LINE },
    yAxis: { type: 'category', data: rows.map((o) => o.name || o.code), axisLabel: { ...AXIS_LABEL, fontSize: 13 }, axisTick: { show: false } },
    series: [{
      name: t('backoffice.dashboard.medianDays'),
      type: 'bar',
      barMaxWidth: 22,
      data: rows.map((o) => o.median_days),
      itemStyle: { color: COLORS.primary, borderRadius: [0, 4, 4, 0] },
      label: { show: true, position: 'right', color: '#37474f', fontFamily: FONT },
    }],
  }
}

/** Comebacks per week (bars). */
export function comebackChartOption(weeks, { locale, t }) {
  const rows = weeks || []
  return {
    ...base(),
    grid: { left: 8, right: 8, top: 16, bottom: 4, containLabel: true },
    xAxis: { type: 'category', data: rows.map((w) => weekLabel(w.week, locale)), axisLabel: AXIS_LABEL, axisTick: { alignWithLabel: true } },
    yAxis: { type: 'value', minInterval: 1, axisLabel: AXIS_LABEL, splitLine: SPLIT_LINE },
    series: [{
      name: t('backoffice.dashboard.comebacks'),
      type: 'bar',
      barMaxWidth: 18,
      data: rows.map((w) => w.comebacks),
      itemStyle: { color: COLORS.negative, borderRadius: [3, 3, 0, 0] },
    }],
  }
}

/** 0.3333 → '33.3%'. */
export function percent(rate) {
  return `${(Math.round((rate || 0) * 1000) / 10).toFixed(1)}%`
}
