// The one zh-CN glossary: resource states, event levels and the infrastructure nouns, so every area says the same
// thing (Zone is 区域 everywhere). Terms follow CloudStack's own Chinese UI where it has them. The API keeps its
// English values; only what is shown is translated, and an unknown value shows as sent.
import { useUiStore } from '../state/ui-store';

const STATES_ZH: Record<string, string> = {
  Running: '正在运行', Stopped: '已停止', Starting: '正在启动', Stopping: '正在停止', Migrating: '正在迁移',
  Destroyed: '已销毁', Expunging: '正在删除', Expunged: '已删除', Error: '错误', Unknown: '未知', Shutdown: '已关机',
  Restoring: '正在还原', Present: '未销毁',
  Up: '正常', Down: '已关闭', Alert: '警报', Disconnected: '已断开连接', Connecting: '正在连接', Creating: '正在创建',
  Maintenance: '维护模式', PrepareForMaintenance: '正在准备维护', ErrorInMaintenance: '维护出错', Removed: '已删除',
  Enabled: '已启用', Disabled: '已禁用', enabled: '已启用', disabled: '已禁用', locked: '已锁定', Active: '活动',
  Ready: '就绪', Allocated: '已分配', BackedUp: '已备份', BackingUp: '正在备份', Implemented: '已实施',
  'Download Complete': '下载完成', 'Not Downloaded': '未下载', Downloading: '正在下载', 'Download Error': '下载出错',
  Uploaded: '已上传', Attached: '已附加', Detached: '已分离',
  // Network states (Setup: a shared network ready for VMs; Implementing: getting its VLAN and router).
  Setup: '已设置', Implementing: '正在实施', Destroy: '已销毁',
  // Edge rule states (issue 18): written, applied on the router, being removed; a public IP being released.
  Add: '正在添加', Revoke: '正在撤销', Releasing: '正在释放',
  // Event levels and alert severities.
  INFO: '信息', WARN: '警告', ERROR: '错误',
  // Job outcomes.
  Pending: '等待中', Succeeded: '成功', Failed: '失败', Completed: '已完成', Started: '已开始', Scheduled: '已计划', Created: '已创建',
};

/** A CloudStack state or level as the current language says it. */
export function stateLabel(state: string, lang: string): string {
  return lang === 'zh-CN' ? STATES_ZH[state] ?? state : state;
}

export function useStateLabel(): (state: string) => string {
  const lang = useUiStore((s) => s.language);
  return (state) => stateLabel(state, lang);
}
