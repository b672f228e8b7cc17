import { defineMessages } from '../i18n/messages';

export const useShellMessages = defineMessages({
  en: {
    dashboard: 'Dashboard', topology: 'Topology', infrastructure: 'Infrastructure', instances: 'Instances', consoles: 'Consoles', storage: 'Storage',
    images: 'Images', offerings: 'Offerings', accounts: 'Accounts', events: 'Events', alerts: 'Alerts',
    jobs: 'Jobs', noJobs: 'No jobs yet. Long actions appear here with their progress.', clearFinished: 'Clear finished',
    signOut: 'Sign out', theme: 'Theme', light: 'Light', dark: 'Dark', language: 'Language', palette: 'Go to… (Ctrl+K)',
    paletteHint: 'Type an area or a command', loading: 'Loading…', signedInAs: 'Signed in as {user} ({account})',
    running: 'running', succeeded: 'succeeded', failed: 'failed', notAllowed: 'This area is not available for your role.',
    login: 'Sign in', username: 'Username', password: 'Password', domain: 'Domain', loginTitle: 'Strata console',
    loginFailed: 'Sign-in failed: {text}', connection: 'Connection',
    skipToContent: 'Skip to content', collapseNav: 'Collapse navigation', expandNav: 'Expand navigation',
    reachableTitle: 'Connected to {name}', unreachable: '{name} unreachable', retryIn: 'retry in {n} s', retrying: 'retrying…',
    retryNow: 'Retry now', unreachableBody: 'The server cannot be reached ({reason}). What is shown may be out of date; the console retries on its own.',
    areaError: 'This area failed to display. The rest of the console still works.', areaRetry: 'Try again',
    sessionEnded: 'Your session ended. Sign in again.',
  },
  'zh-CN': {
    dashboard: '仪表板', topology: '拓扑', infrastructure: '基础架构', instances: '实例', consoles: '控制台', storage: '存储',
    images: '镜像', offerings: '方案', accounts: '账户', events: '事件', alerts: '警报',
    jobs: '作业', noJobs: '暂无作业。长时间操作会在此显示进度。', clearFinished: '清除已完成',
    signOut: '退出', theme: '主题', light: '浅色', dark: '深色', language: '语言', palette: '转到…（Ctrl+K）',
    paletteHint: '输入区域或命令', loading: '加载中…', signedInAs: '已登录：{user}（{account}）',
    running: '运行中', succeeded: '成功', failed: '失败', notAllowed: '您的角色无法使用此区域。',
    login: '登录', username: '用户名', password: '密码', domain: '域', loginTitle: 'Strata 控制台',
    loginFailed: '登录失败：{text}', connection: '连接',
    skipToContent: '跳到内容', collapseNav: '收起导航', expandNav: '展开导航',
    reachableTitle: '已连接到 {name}', unreachable: '{name} 无法访问', retryIn: '{n} 秒后重试', retrying: '正在重试…',
    retryNow: '立即重试', unreachableBody: '无法连接服务器（{reason}）。显示的内容可能已过时；控制台会自动重试。',
    areaError: '此区域显示失败。控制台的其他部分仍可使用。', areaRetry: '重试',
    sessionEnded: '会话已结束，请重新登录。',
  },
});
