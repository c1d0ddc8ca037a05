export { PERSONALIZE_MUTATION_LOG_KIND } from './compose';
export {
  createLocalPersonalize,
  DEFAULT_STEP_DELAY_MS,
  type LocalPersonalize,
  type LocalPersonalizeOptions,
  type PersonalizeMutation,
} from './service';
export { DEFAULT_QUOTAS, type PersonalizeQuotas } from './context';
export { PersonalizeServiceError } from './errors';
