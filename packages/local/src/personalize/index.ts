export { createLocalPersonalize, DEFAULT_STEP_DELAY_MS, type LocalPersonalize, type LocalPersonalizeOptions } from './service';
export { DEFAULT_QUOTAS, type PersonalizeQuotas } from './context';
export { PersonalizeServiceError } from './errors';
