// The catalog: service/disk offerings, guest OS types, templates and ISOs. `catalogModule` binds the command
// declarations to their handlers; the rest are the lookups other modules (VMs, volumes, the demo lab) use.
import { implement } from '../kernel/handler';
import { catalogCommands } from '../contract/commands/catalog';
import { createServiceOffering, updateServiceOffering, deleteServiceOffering, listServiceOfferings } from './service-offerings';
import { createDiskOffering, updateDiskOffering, deleteDiskOffering, listDiskOfferings } from './disk-offerings';
import { listOsTypes, listOsCategories } from './os-types';
import { registerImage } from './template-register';
import { listImages } from './template-list';
import { updateImage, prepareDelete, executeDelete } from './template-manage';

export const catalogModule = implement(catalogCommands, {
  createServiceOffering, updateServiceOffering, deleteServiceOffering, listServiceOfferings,
  createDiskOffering, updateDiskOffering, deleteDiskOffering, listDiskOfferings,
  listOsTypes, listOsCategories,
  registerTemplate: (ctx, a) => registerImage(ctx, a, 'template'),
  listTemplates: (ctx, a) => listImages(ctx, a, 'template'),
  updateTemplate: (ctx, a) => updateImage(ctx, a, 'template'),
  deleteTemplate: {
    prepare: (ctx, a) => prepareDelete(ctx, a, 'template'),
    execute: (ctx, a, payload) => executeDelete(ctx, a, payload, 'template'),
    // Deleting is idempotent, so an interrupted job simply runs again.
    recover: (ctx, a, payload) => executeDelete(ctx, a, payload, 'template'),
  },
  registerIso: (ctx, a) => registerImage(ctx, a, 'iso'),
  listIsos: (ctx, a) => listImages(ctx, a, 'iso'),
  updateIso: (ctx, a) => updateImage(ctx, a, 'iso'),
  deleteIso: {
    prepare: (ctx, a) => prepareDelete(ctx, a, 'iso'),
    execute: (ctx, a, payload) => executeDelete(ctx, a, payload, 'iso'),
    recover: (ctx, a, payload) => executeDelete(ctx, a, payload, 'iso'),
  },
});

export {
  getServiceOffering, getDiskOffering, getTemplate, getTemplateZone,
  type ServiceOfferingRow, type DiskOfferingRow, type TemplateRow,
} from './lookups';
export { formatServiceOffering, formatDiskOffering, serviceOfferingResponse, diskOfferingResponse, offeringNames } from './offering-format';
export { formatTemplate, imageNames, imageResponses, type ImageRow } from './template-format';
export { seedCatalog, ensureBuiltinTemplate, addCrossZoneCopies, BUILTIN_TEMPLATE_NAME } from './seed';
export { osCategoryId, createOsTypes, type OsTypes } from './os-types';
export {
  createTemplateDownloaders, instantDownloader, SIMULATOR_TEMPLATE_BYTES, type TemplateDownloaders,
  type TemplateDownloader, type DownloadProgress,
} from './template-download';
