// Strings of the project switcher, English and Simplified Chinese.
import { defineMessages } from '../../i18n/messages';

export const useProjectMessages = defineMessages({
  en: {
    project: 'Project', defaultView: 'Default view', suspended: '{name} (suspended)',
    projects: 'Projects', name: 'Name', displayText: 'Description', state: 'State', owner: 'Owner', create: 'Create project',
    noProjects: 'No projects yet.', members: 'Members of {name}', account: 'Account', role: 'Role', addMember: 'Add member',
    remove: 'Remove {account}', suspend: 'Suspend', activate: 'Activate', delete: 'Delete with its resources',
    jobCreate: 'Create project {name}', jobSuspend: 'Suspend project {name}', jobActivate: 'Activate project {name}',
    jobDelete: 'Delete project {name}', jobAdd: 'Add {account} to project {name}', jobRemove: 'Remove {account} from project {name}',
    confirmDelete: 'Delete project {name} with all its VMs, volumes and networks?', regular: 'Regular', admin: 'Admin',
  },
  'zh-CN': {
    project: '项目', defaultView: '默认视图', suspended: '{name}（已暂停）',
    projects: '项目', name: '名称', displayText: '描述', state: '状态', owner: '所有者', create: '创建项目',
    noProjects: '暂无项目。', members: '{name} 的成员', account: '账户', role: '角色', addMember: '添加成员',
    remove: '移除 {account}', suspend: '暂停', activate: '激活', delete: '连同资源删除',
    jobCreate: '创建项目 {name}', jobSuspend: '暂停项目 {name}', jobActivate: '激活项目 {name}',
    jobDelete: '删除项目 {name}', jobAdd: '将 {account} 添加到项目 {name}', jobRemove: '从项目 {name} 移除 {account}',
    confirmDelete: '删除项目 {name} 及其所有虚拟机、卷和网络？', regular: '普通成员', admin: '管理员',
  },
});
