// Strings of the project switcher, English and Simplified Chinese.
import { defineMessages } from '../../i18n/messages';

export const useProjectMessages = defineMessages({
  en: { project: 'Project', defaultView: 'Default view', suspended: '{name} (suspended)' },
  'zh-CN': { project: '项目', defaultView: '默认视图', suspended: '{name}（已暂停）' },
});
