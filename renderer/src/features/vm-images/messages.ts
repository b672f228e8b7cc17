// Strings of VM snapshots, templates from volumes and snapshots, restore and password reset (issue 19), English and
// Simplified Chinese. CloudStack's own words (states, snapshot types) are shown as the server sends them.
import { defineMessages } from '../../i18n/messages';

export const useVmImageMessages = defineMessages({
  en: {
    vmSnapshots: 'VM snapshots', vmSnapshotsTitle: 'VM snapshots ({count})', noVmSnapshots: 'No VM snapshots of this instance.',
    take: 'Take VM snapshot', takeTitle: 'Take a snapshot of {name}', name: 'Name', description: 'Description', optional: 'optional',
    withMemory: 'Include memory', withMemoryHint: 'Saves the running guest too: reverting brings it back running, as it was, without a reboot.',
    memoryStopped: 'A stopped instance is snapshotted without memory (its disks only).',
    memoryRequired: 'A running KVM instance is always snapshotted with its memory.',
    type: 'Type', state: 'State', current: 'Current', created: 'Created', actions: 'Actions', parent: 'Parent',
    revert: 'Revert', delete: 'Delete', cancel: 'Cancel', working: 'Working…', yes: 'yes',
    revertSummary: 'Revert {n} {n:instance|instances} to this snapshot:', deleteSummary: 'Delete {n} {n:snapshot|snapshots}:',
    jobTake: 'Snapshot VM {name}', jobRevert: 'Revert VM {vm} to snapshot {name}', jobDelete: 'Delete VM snapshot {name}',
    revertHint: 'Disk snapshots revert a stopped instance; memory snapshots a running one.',
    restore: 'Restore', restoreSummary: 'Restore {n} {n:instance|instances} from the template (the root disk is replaced, its data lost):',
    jobRestore: 'Restore VM {name}',
    resetPassword: 'Reset password', resetSummary: 'Set a new password for {n} {n:instance|instances}:', jobReset: 'Reset the password of VM {name}',
    newPassword: 'New password of {name}', passwordNote: 'Shown once. The guest gets it on its config drive at its next start.', close: 'Close',
    createTemplate: 'Create template', createTemplateTitle: 'Create a template from {name}', displayText: 'Description',
    osType: 'OS type', isPublic: 'Public (every account may use it)', passwordEnabled: 'Password reset supported',
    create: 'Create', jobCreateTemplate: 'Create template {name}', stopFirst: 'Stop the instance to make a template of its root disk.',
  },
  'zh-CN': {
    vmSnapshots: '虚拟机快照', vmSnapshotsTitle: '虚拟机快照（{count}）', noVmSnapshots: '此实例还没有虚拟机快照。',
    take: '创建虚拟机快照', takeTitle: '为 {name} 创建快照', name: '名称', description: '描述', optional: '可选',
    withMemory: '包含内存', withMemoryHint: '同时保存运行中的客户机：还原后它照原样继续运行，无需重启。',
    memoryStopped: '已停止的实例只能创建不含内存的快照（仅磁盘）。',
    memoryRequired: '运行中的 KVM 实例的快照总是包含内存。',
    type: '类型', state: '状态', current: '当前', created: '创建时间', actions: '操作', parent: '父快照',
    revert: '还原', delete: '删除', cancel: '取消', working: '处理中…', yes: '是',
    revertSummary: '将 {n} 个实例还原到此快照：', deleteSummary: '删除 {n} 个快照：',
    jobTake: '为虚拟机 {name} 创建快照', jobRevert: '将虚拟机 {vm} 还原到快照 {name}', jobDelete: '删除虚拟机快照 {name}',
    revertHint: '磁盘快照用于还原已停止的实例，内存快照用于还原运行中的实例。',
    restore: '重置系统盘', restoreSummary: '从模板重置 {n} 个实例（根磁盘将被替换，其中的数据会丢失）：',
    jobRestore: '重置虚拟机 {name}',
    resetPassword: '重置密码', resetSummary: '为 {n} 个实例设置新密码：', jobReset: '重置虚拟机 {name} 的密码',
    newPassword: '{name} 的新密码', passwordNote: '只显示这一次。客户机在下次启动时从配置驱动器获取它。', close: '关闭',
    createTemplate: '创建模板', createTemplateTitle: '从 {name} 创建模板', displayText: '描述',
    osType: '操作系统类型', isPublic: '公共（所有账户可用）', passwordEnabled: '支持重置密码',
    create: '创建', jobCreateTemplate: '创建模板 {name}', stopFirst: '请先停止实例，才能用其根磁盘创建模板。',
  },
});
