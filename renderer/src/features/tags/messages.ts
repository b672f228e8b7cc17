// Strings of the resource tags card, English and Simplified Chinese.
import { defineMessages } from '../../i18n/messages';

export const useTagMessages = defineMessages({
  en: {
    tags: 'Tags', noTags: 'No tags yet.', key: 'Key', value: 'Value', add: 'Add tag', remove: 'Remove tag {key}',
    jobAdd: 'Tag {name}: {key}={value}', jobRemove: 'Untag {name}: {key}', needBoth: 'A tag needs a key and a value.',
    taken: 'This resource already has a tag {key}.', filterTag: 'Tag', filterTagHint: 'key or key=value',
  },
  'zh-CN': {
    tags: '标签', noTags: '暂无标签。', key: '键', value: '值', add: '添加标签', remove: '删除标签 {key}',
    jobAdd: '为 {name} 添加标签：{key}={value}', jobRemove: '删除 {name} 的标签：{key}', needBoth: '标签需要键和值。',
    taken: '该资源已有标签 {key}。', filterTag: '标签', filterTagHint: '键 或 键=值',
  },
});
