// Strings of the groups area (instance groups, affinity groups), English and Simplified Chinese.
import { defineMessages } from '../../i18n/messages';

export const useGroupMessages = defineMessages({
  en: {
    title: 'Groups', subtitle: 'Instance groups file VMs under a name; affinity groups tell the planner which VMs share or avoid a host.',
    instanceGroups: 'Instance groups', affinityGroups: 'Affinity groups', name: 'Name', type: 'Type', description: 'Description',
    account: 'Account', created: 'Created', vms: 'Instances', create: 'Create', delete: 'Delete', search: 'Search',
    noInstanceGroups: 'No instance groups. Create one here or name a new group when you deploy.',
    noAffinityGroups: 'No affinity groups yet.', noMatches: 'Nothing matches.', showing: 'Showing {shown} of {count}; search to narrow',
    showVms: 'Show its instances', needName: 'A group needs a name.',
    confirmDeleteGroup: 'Delete the instance group {name}? Its instances stay; they leave the group.',
    confirmDeleteAffinity: 'Delete the affinity group {name}? Its instances stay; the planner no longer applies it to them.',
    jobCreateGroup: 'Create instance group {name}', jobDeleteGroup: 'Delete instance group {name}',
    jobCreateAffinity: 'Create affinity group {name}', jobDeleteAffinity: 'Delete affinity group {name}',
    antiAffinity: 'Host anti-affinity (different hosts)', hostAffinity: 'Host affinity (same host)',
  },
  'zh-CN': {
    title: '分组', subtitle: '实例组按名称归类虚拟机；关联性组告诉规划器哪些虚拟机共用或避开同一主机。',
    instanceGroups: '实例组', affinityGroups: '关联性组', name: '名称', type: '类型', description: '描述',
    account: '账户', created: '创建时间', vms: '实例', create: '创建', delete: '删除', search: '搜索',
    noInstanceGroups: '没有实例组。可在此创建，或在部署时输入新组名。',
    noAffinityGroups: '还没有关联性组。', noMatches: '无匹配项。', showing: '显示 {shown} / {count} 项；搜索以缩小范围',
    showVms: '查看其实例', needName: '组需要名称。',
    confirmDeleteGroup: '删除实例组 {name}？其实例会保留，但不再属于该组。',
    confirmDeleteAffinity: '删除关联性组 {name}？其实例会保留，规划器不再对其应用该规则。',
    jobCreateGroup: '创建实例组 {name}', jobDeleteGroup: '删除实例组 {name}',
    jobCreateAffinity: '创建关联性组 {name}', jobDeleteAffinity: '删除关联性组 {name}',
    antiAffinity: '主机反关联性（不同主机）', hostAffinity: '主机关联性（同一主机）',
  },
});

export type GroupMessages = ReturnType<typeof useGroupMessages>;
