import { defineMessages } from '../../i18n/messages';

export const useAlertsMessages = defineMessages({
  en: {
    title: 'Alerts', subtitle: 'Conditions the management server raised for operators', alerts: 'Alerts', type: 'Type', name: 'Name',
    description: 'Description', sent: 'Sent', allTypes: 'All types', archive: 'Archive', delete: 'Delete', noAlerts: 'No alerts. All quiet.',
    jobArchive: 'Archive alert {name}', jobDelete: 'Delete alert {name}', id: 'Alert id', typeN: 'Type {n}',
    archiveHint: 'Archived alerts no longer appear here.',
    notifyOff: 'Notify me of new alerts', notifyOn: 'Notifying new alerts', notifyBlocked: 'The browser blocks notifications for this site.',
  },
  'zh-CN': {
    title: '警报', subtitle: '管理服务器为运维人员发出的警报', alerts: '警报', type: '类型', name: '名称',
    description: '描述', sent: '发送时间', allTypes: '全部类型', archive: '归档', delete: '删除', noAlerts: '没有警报，一切正常。',
    jobArchive: '归档警报 {name}', jobDelete: '删除警报 {name}', id: '警报 ID', typeN: '类型 {n}',
    archiveHint: '归档后的警报不再显示在此处。',
    notifyOff: '新警报时通知我', notifyOn: '正在通知新警报', notifyBlocked: '浏览器已阻止此网站的通知。',
  },
});

/** CloudStack's alert type numbers (AlertManager), named for people. */
export const useAlertTypeNames = defineMessages({
  en: {
    t0: 'Memory', t1: 'CPU', t2: 'Primary storage', t3: 'Primary storage allocated', t4: 'Public IPs', t5: 'Private IPs', t6: 'Secondary storage',
    t7: 'Host', t8: 'User VM', t9: 'Virtual router', t10: 'Console proxy', t11: 'Routing', t12: 'Storage', t13: 'Usage server',
    t14: 'Management server', t15: 'Router migration', t16: 'Console proxy migration', t17: 'User VM migration', t18: 'VLAN',
    t19: 'Secondary storage VM', t20: 'Usage result', t21: 'Storage delete', t22: 'Resource count', t23: 'Usage sanity',
    t24: 'Direct attached public IPs', t25: 'Local storage', t26: 'Resource limit exceeded', t27: 'Sync', t28: 'Upload failed',
  },
  'zh-CN': {
    t0: '内存', t1: 'CPU', t2: '主存储', t3: '已分配主存储', t4: '公共 IP', t5: '私有 IP', t6: '二级存储',
    t7: '主机', t8: '用户虚拟机', t9: '虚拟路由器', t10: '控制台代理', t11: '路由', t12: '存储', t13: '使用服务器',
    t14: '管理服务器', t15: '路由器迁移', t16: '控制台代理迁移', t17: '用户虚拟机迁移', t18: 'VLAN',
    t19: '二级存储虚拟机', t20: '使用结果', t21: '存储删除', t22: '资源计数', t23: '使用完整性',
    t24: '直接附加公共 IP', t25: '本地存储', t26: '超出资源限制', t27: '同步', t28: '上传失败',
  },
});

export const ALERT_TYPE_NUMBERS = Array.from({ length: 29 }, (_, i) => i);
