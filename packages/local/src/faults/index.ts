export {
  FAULT_LOG_KIND,
  FAULT_SETTINGS_LOG_KIND,
  FaultInjector,
  InjectedFault,
  type FaultInjectorOptions,
  type HandlerFaults,
} from './injector';
export { FAULTS_ENV, FaultOptionsError, faultOptionsFromEnv, hasFaults, parseFaultOptions, type FaultOptions } from './options';
export { faultRandom, type FaultRandom } from './random';
export { SupervisorError, superviseLocalCloud, type SupervisedCloud, type SupervisorOptions } from './supervisor';
