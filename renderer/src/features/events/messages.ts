import { defineMessages } from '../../i18n/messages';

export const useEventsMessages = defineMessages({
  en: {
    title: 'Events', subtitle: 'What happened, newest first', level: 'Level', type: 'Type', description: 'Description', resource: 'Resource',
    account: 'Account', user: 'User', state: 'State', created: 'Created', domain: 'Domain', allLevels: 'All levels', from: 'From', to: 'To',
    typeHint: 'e.g. VM.CREATE', showArchived: 'Archived', archive: 'Archive', delete: 'Delete',
    related: 'Steps of this action', id: 'Event id', parent: 'Parent event', resourceType: 'Resource type',
    jobArchive: 'Archive event {type}', jobDelete: 'Delete event {type}', events: 'Events', noEvents: 'No events match these filters.',
    openResource: 'Open {name}',
  },
  'zh-CN': {
    title: '事件', subtitle: '发生了什么（最新在前）', level: '级别', type: '类型', description: '描述', resource: '资源',
    account: '账户', user: '用户', state: '状态', created: '创建时间', domain: '域', allLevels: '全部级别', from: '从', to: '至',
    typeHint: '例如 VM.CREATE', showArchived: '已归档', archive: '归档', delete: '删除',
    related: '此操作的步骤', id: '事件 ID', parent: '父事件', resourceType: '资源类型',
    jobArchive: '归档事件 {type}', jobDelete: '删除事件 {type}', events: '事件', noEvents: '没有符合筛选条件的事件。',
    openResource: '打开 {name}',
  },
});
