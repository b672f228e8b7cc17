import { defineMessages } from '../../i18n/messages';

export const useMetricsMessages = defineMessages({
  en: {
    usage: 'Usage', latest: 'Latest', range: 'Range', r1h: '1 h', r24h: '24 h', r7d: '7 d', r30d: '30 d', r1y: '1 y', custom: 'Custom',
    resetZoom: 'Reset zoom', live: 'live', zoomHint: 'Drag across a graph to zoom in.', loading: 'Loading…',
    noData: 'No samples in this range yet.', failed: 'Could not load usage: {text}',
    cpu: 'CPU', cpuMax: 'CPU max', memory: 'Memory', memoryMax: 'Memory max', disk: 'Disk', read: 'Read', write: 'Write',
    network: 'Network', rx: 'Received', tx: 'Sent', load: 'Load average', loadMax: 'Load max', average: 'Average', max: 'Max',
    cpuPct: 'CPU %', memPct: 'Memory %', usageTrend: 'Usage, last 24 h', clusterTrend: 'Cluster usage, last 24 h', hostsAvg: 'Hosts average', memoryInUse: 'In use',
    trendSampled: 'first {n} of {total} hosts',
    packets: 'Packets', iops: 'IOPS', storage: 'Storage', zoneUsage: 'Zone {name}', memoryPct: 'Memory used', storagePct: 'Storage used',
    customRange: 'Custom…', from: 'From', to: 'To', apply: 'Apply', cancel: 'Cancel', customTitle: 'Custom range',
    rangeMissing: 'Enter both the start and the end, as date and time.', rangeOrder: 'The start must be before the end.',
    rangeFuture: 'The start cannot be in the future.', rangeTooOld: 'Samples are kept for 5 years: start within them.',
    rangeTooShort: 'Choose a range of at least a minute.', diskRate: 'Disk', networkRate: 'Network',
  },
  'zh-CN': {
    usage: '使用情况', latest: '最新', range: '时间范围', r1h: '1 小时', r24h: '24 小时', r7d: '7 天', r30d: '30 天', r1y: '1 年', custom: '自定义',
    resetZoom: '重置缩放', live: '实时', zoomHint: '在图上拖动可放大。', loading: '加载中…',
    noData: '此时间范围内尚无采样。', failed: '无法加载使用情况：{text}',
    cpu: 'CPU', cpuMax: 'CPU 峰值', memory: '内存', memoryMax: '内存峰值', disk: '磁盘', read: '读取', write: '写入',
    network: '网络', rx: '接收', tx: '发送', load: '平均负载', loadMax: '负载峰值', average: '平均', max: '峰值',
    cpuPct: 'CPU %', memPct: '内存 %', usageTrend: '使用情况（最近 24 小时）', clusterTrend: '群集使用情况（最近 24 小时）', hostsAvg: '主机平均', memoryInUse: '已使用',
    trendSampled: '前 {n} 台主机（共 {total} 台）',
    packets: '数据包', iops: 'IOPS', storage: '存储', zoneUsage: '区域 {name}', memoryPct: '内存使用率', storagePct: '存储使用率',
    customRange: '自定义…', from: '开始', to: '结束', apply: '应用', cancel: '取消', customTitle: '自定义时间范围',
    rangeMissing: '请输入开始和结束的日期与时间。', rangeOrder: '开始时间必须早于结束时间。',
    rangeFuture: '开始时间不能晚于现在。', rangeTooOld: '采样保留 5 年：请在此范围内选择开始时间。',
    rangeTooShort: '请选择至少一分钟的时间范围。', diskRate: '磁盘', networkRate: '网络',
  },
});
