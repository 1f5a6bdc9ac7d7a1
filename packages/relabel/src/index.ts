export {
  compileRelabelConfig,
  compileRelabelConfigs,
  DEFAULT_REGEX,
  DEFAULT_REPLACEMENT,
  DEFAULT_SEPARATOR,
  RELABEL_ACTIONS,
  type RelabelAction,
  type RelabelConfig,
  RelabelConfigError,
  type RelabelConfigInput,
} from './config.ts';
export { expandTemplate } from './expand.ts';
export { hashmod, relabel, relabelBuilder } from './relabel.ts';
