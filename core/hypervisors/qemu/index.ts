// Public entry points of the QEMU/KVM driver (see qemu-driver.ts for the design).
export { createQemuDriver, KVM, type QemuDriver, type QemuDriverOptions } from './qemu-driver';
export { ensureGuestImages, guestDir, GUEST_MIN_MEMORY_MB, GUEST_READY_BANNER } from './guest-image';
export { probeAccelerator, resolveAccel, parseAccelSetting, type Accel, type AccelSetting, type AccelProbeResult } from './accel';
export { openSerial, type SerialConsole } from './serial';
export { benchQemu } from './bench';
