// Strings of the dashboard, English and Simplified Chinese.
import { defineMessages } from '../../i18n/messages';

export const useDashMessages = defineMessages({
  en: {
    dashboard: 'Dashboard', refresh: 'Refresh', loading: 'Loading…', instances: 'Instances', total: 'Total',
    statePresent: 'not destroyed', hosts: 'Hosts', hostsUpLabel: 'hosts Up of {total}', hostsLoading: 'Counting hosts…', hostsUp: '{up} of {total} Up', hostsDown: '{count} not Up',
    capacity: 'Capacity', capacityOf: 'Capacity of {zone}', noCapacity: 'No zones with capacity yet.',
    usedOf: '{used} of {total}', cpu: 'CPU', cpuCores: 'CPU cores', memory: 'Memory', primaryUsed: 'Primary storage used',
    primaryAllocated: 'Primary storage allocated', secondary: 'Secondary storage', localStorage: 'Local storage',
    publicIps: 'Public IPs', privateIps: 'Management IPs', directIps: 'Shared network IPs', vlans: 'VLANs', ipv6Subnets: 'IPv6 subnets',
    gpu: 'GPU', alerts: 'Latest alerts', noAlerts: 'No alerts.', events: 'Latest events', noEvents: 'No events.', jobs: 'Jobs',
    noJobs: 'No recent jobs.', here: 'started here', time: 'Time', type: 'Type', description: 'Description', level: 'Level',
    command: 'Command', status: 'Status', resource: 'Resource', account: 'Account', pending: 'running', succeeded: 'succeeded',
    failed: 'failed', loadFailed: 'Could not load: {text}', allEvents: 'All events', allAlerts: 'All alerts', allJobs: 'Jobs panel',
    countsFor: 'Instances by state', capacityHint: 'As listCapacity reports it; CPU and memory are allocation.',
  },
  'zh-CN': {
    dashboard: '仪表板', refresh: '刷新', loading: '加载中…', instances: '实例', total: '总计',
    statePresent: '未销毁', hosts: '主机', hostsUpLabel: '台主机正常（共 {total} 台）', hostsLoading: '正在统计主机…', hostsUp: '{total} 台中 {up} 台正常', hostsDown: '{count} 台不正常',
    capacity: '容量', capacityOf: '{zone} 的容量', noCapacity: '还没有带容量的区域。',
    usedOf: '{used} / {total}', cpu: 'CPU', cpuCores: 'CPU 核', memory: '内存', primaryUsed: '主存储已用',
    primaryAllocated: '主存储已分配', secondary: '二级存储', localStorage: '本地存储',
    publicIps: '公共 IP', privateIps: '管理 IP', directIps: '共享网络 IP', vlans: 'VLAN', ipv6Subnets: 'IPv6 子网',
    gpu: 'GPU', alerts: '最新警报', noAlerts: '没有警报。', events: '最新事件', noEvents: '没有事件。', jobs: '作业',
    noJobs: '最近没有作业。', here: '在此发起', time: '时间', type: '类型', description: '描述', level: '级别',
    command: '命令', status: '状态', resource: '资源', account: '账户', pending: '运行中', succeeded: '成功',
    failed: '失败', loadFailed: '无法加载：{text}', allEvents: '全部事件', allAlerts: '全部警报', allJobs: '作业面板',
    countsFor: '按状态统计实例', capacityHint: '数据来自 listCapacity；CPU 和内存为分配量。',
  },
});

export type DashMessages = ReturnType<typeof useDashMessages>;
