import { Gauge } from '../../gauge.ts';
import type { DefaultMetricsContext } from './context.ts';

/** `nodejs_version_info{version="v24.1.0",major="24",minor="1",patch="0"} 1`. */
export function registerVersion(context: DefaultMetricsContext): void {
  const { registry, prefix, labels, labelNames } = context;
  const [major = '', minor = '', patch = ''] = process.versions.node.split('.');
  new Gauge({
    name: `${prefix}nodejs_version_info`,
    help: 'Node.js version info.',
    registers: [registry],
    labelNames: [...labelNames, 'version', 'major', 'minor', 'patch'],
  }).set({ ...labels, version: process.version, major, minor, patch }, 1);
}
