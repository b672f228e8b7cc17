import { defineMessages } from '../../i18n/messages';

/** Strings of the list/dialog kit shared by the storage, images, offerings, accounts, events and alerts views. */
export const useKitMessages = defineMessages({
  en: {
    search: 'Search', searchHint: 'Name or keyword', refresh: 'Refresh', loading: 'Loading…', noRows: 'Nothing matches these filters.',
    count: '{n} {n:item|items}', selected: '{n} selected', clearSelection: 'Clear selection', closeDetail: 'Close details', backToList: 'Back to the list', cancel: 'Cancel',
    any: 'Any', yes: 'Yes', no: 'No', working: 'Working…', copy: 'Copy', copied: 'Copied', details: 'Details',
    failedLoad: 'Could not load: {text}', close: 'Close', optional: 'optional', clearFilter: 'Remove filter', noCommonAction: 'No action applies to all the selected items.', done: 'done', resultSummary: '{ok} of {total} succeeded.', gone: 'This item no longer exists.',
    andMore: 'and {n} more', confirmSummary: '{action}: {n} {n:item|items}', selectAll: 'Select all loaded rows',
    columns: 'Columns', exportCsv: 'Export CSV', exporting: 'Exporting {n}…', exportFailed: 'Export failed: {text}',
  },
  'zh-CN': {
    search: '搜索', searchHint: '名称或关键字', refresh: '刷新', loading: '加载中…', noRows: '没有符合筛选条件的项目。',
    count: '共 {n} 项', selected: '已选 {n} 项', clearSelection: '取消选择', closeDetail: '关闭详情', backToList: '返回列表', cancel: '取消',
    any: '全部', yes: '是', no: '否', working: '处理中…', copy: '复制', copied: '已复制', details: '详情',
    failedLoad: '无法加载：{text}', close: '关闭', optional: '可选', clearFilter: '移除筛选', noCommonAction: '没有适用于所有所选项目的操作。', done: '完成', resultSummary: '{total} 项中 {ok} 项成功。', gone: '该项目已不存在。',
    andMore: '另有 {n} 项', confirmSummary: '{action}：{n} 项', selectAll: '选择所有已加载的行',
    columns: '列', exportCsv: '导出 CSV', exporting: '正在导出 {n}…', exportFailed: '导出失败：{text}',
  },
});
