import { defineMessages } from '../../i18n/messages';

export const useOfferingsMessages = defineMessages({
  en: {
    title: 'Offerings', subtitle: 'Compute and disk offerings users deploy with', tabs: 'Offering sections', compute: 'Compute offerings', disk: 'Disk offerings',
    name: 'Name', displaytext: 'Description', cpu: 'CPU', speed: 'CPU speed (MHz)', cores: 'CPU cores', memory: 'Memory', memoryMb: 'Memory (MB)',
    ha: 'HA', hostTags: 'Host tags', storageTags: 'Storage tags', storageType: 'Storage type', provisioning: 'Provisioning', state: 'State',
    size: 'Size', sizeGb: 'Disk size (GB)', custom: 'Custom', customCompute: 'Custom (CPU and memory chosen at deployment)',
    customDisk: 'Custom (size chosen when the volume is created)', rootDisk: 'Root disk size (GB)', rootDiskHint: 'Empty: the template\'s size.',
    limitCpu: 'Cap CPU use to the offering', dynamicScaling: 'Allow scaling while running', offerHa: 'High availability (restart on another host)',
    tagsHint: 'Comma-separated; only hosts/pools carrying every tag are used.', created: 'Created', domain: 'Domains', zone: 'Zones', public: 'Public', allZones: 'All zones',
    allStates: 'All states', active: 'Active', inactive: 'Inactive', create: 'Create offering', createCompute: 'Create compute offering',
    createDisk: 'Create disk offering', delete: 'Delete', disable: 'Disable', enable: 'Enable', shared: 'Shared', local: 'Local',
    jobCreate: 'Create offering {name}', jobDelete: 'Delete offering {name}', jobState: 'Set {name} to {state}', perCore: '{n} × {mhz} MHz',
    customized: 'Customized', iops: 'IOPS',
  },
  'zh-CN': {
    title: '方案', subtitle: '用户部署时使用的计算和磁盘方案', tabs: '方案分区', compute: '计算方案', disk: '磁盘方案',
    name: '名称', displaytext: '描述', cpu: 'CPU', speed: 'CPU 速度 (MHz)', cores: 'CPU 核数', memory: '内存', memoryMb: '内存 (MB)',
    ha: '高可用', hostTags: '主机标签', storageTags: '存储标签', storageType: '存储类型', provisioning: '置备方式', state: '状态',
    size: '大小', sizeGb: '磁盘大小 (GB)', custom: '自定义', customCompute: '自定义（部署时选择 CPU 和内存）',
    customDisk: '自定义（创建卷时选择大小）', rootDisk: '根磁盘大小 (GB)', rootDiskHint: '留空：使用模板大小。',
    limitCpu: '将 CPU 使用限制在方案范围内', dynamicScaling: '允许运行时扩展', offerHa: '高可用（在其他主机上重启）',
    tagsHint: '以逗号分隔；只使用带有所有标签的主机/存储池。', created: '创建时间', domain: '域', zone: '区域', public: '公共', allZones: '所有区域',
    allStates: '全部状态', active: '活动', inactive: '停用', create: '创建方案', createCompute: '创建计算方案',
    createDisk: '创建磁盘方案', delete: '删除', disable: '停用', enable: '启用', shared: '共享', local: '本地',
    jobCreate: '创建方案 {name}', jobDelete: '删除方案 {name}', jobState: '将 {name} 设为 {state}', perCore: '{n} × {mhz} MHz',
    customized: '自定义', iops: 'IOPS',
  },
});
