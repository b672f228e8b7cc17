// Strings of the resource limits editor, English and Simplified Chinese.
import { defineMessages } from '../../i18n/messages';

export const useLimitMessages = defineMessages({
  en: {
    title: 'Resource limits', resource: 'Resource', used: 'Used', limit: 'Limit', available: 'Available',
    unlimited: 'Unlimited', unknown: '—', edit: 'Edit', editLimit: 'Edit the limit of {type}', save: 'Save', cancel: 'Cancel',
    recalculate: 'Recalculate', recalculateHint: 'Count the resources again and store the counts',
    recalculated: 'Counts recalculated.', newLimit: 'New limit of {type}', inputHint: 'A whole number; -1 for unlimited.',
    empty: 'Enter a limit: a whole number, or -1 for unlimited.', notInteger: 'The limit must be a whole number (no decimals or letters).',
    belowMinusOne: 'The limit cannot be below -1 (-1 means unlimited).', tooLarge: 'The limit is too large.',
    jobUpdate: 'Set the {type} limit of {owner} to {max}', jobCount: 'Recalculate the resource counts of {owner}',
    saveFailed: 'Not saved: {text}', loadFailed: 'Could not load the limits: {text}',
    user_vm: 'Instances', public_ip: 'Public IPs', volume: 'Volumes', snapshot: 'Snapshots', template: 'Templates',
    project: 'Projects', network: 'Networks', vpc: 'VPCs', cpu: 'CPU cores', memory: 'Memory (MB)',
    primary_storage: 'Primary storage (GiB)', secondary_storage: 'Secondary storage (GiB)',
  },
  'zh-CN': {
    title: '资源限制', resource: '资源', used: '已用', limit: '限制', available: '可用',
    unlimited: '无限制', unknown: '—', edit: '编辑', editLimit: '编辑{type}的限制', save: '保存', cancel: '取消',
    recalculate: '重新计算', recalculateHint: '重新统计资源并保存计数',
    recalculated: '已重新计算计数。', newLimit: '{type}的新限制', inputHint: '整数；-1 表示无限制。',
    empty: '请输入限制：一个整数，或 -1 表示无限制。', notInteger: '限制必须是整数（不能有小数或字母）。',
    belowMinusOne: '限制不能小于 -1（-1 表示无限制）。', tooLarge: '限制过大。',
    jobUpdate: '将 {owner} 的{type}限制设为 {max}', jobCount: '重新计算 {owner} 的资源计数',
    saveFailed: '未保存：{text}', loadFailed: '无法加载限制：{text}',
    user_vm: '实例', public_ip: '公用 IP', volume: '卷', snapshot: '快照', template: '模板',
    project: '项目', network: '网络', vpc: 'VPC', cpu: 'CPU 核数', memory: '内存（MB）',
    primary_storage: '主存储（GiB）', secondary_storage: '二级存储（GiB）',
  },
});

export type LimitMessages = ReturnType<typeof useLimitMessages>;
