import type { TargetGroup } from '@pyrometer/model';
import type { Discoverer } from './discoverer.ts';
import { targetGroupFromDocument } from './target-group-document.ts';

export interface StaticConfigInput {
  targets?: string[];
  labels?: Record<string, string>;
}

/** `static_configs`: the groups as written, sources numbered from 0 as Prometheus does. */
export function staticTargetGroups(configs: readonly (StaticConfigInput | null)[]): TargetGroup[] {
  return configs.map((config, i) => {
    if (config === null) throw new Error('empty or null section in static_configs');
    return targetGroupFromDocument(config, String(i));
  });
}

export class StaticDiscoverer implements Discoverer {
  readonly groups: TargetGroup[];

  constructor(groups: TargetGroup[]) {
    this.groups = groups;
  }

  async run(_signal: AbortSignal, update: (groups: TargetGroup[]) => void): Promise<void> {
    update(this.groups);
  }
}
