import { isValidName, Labels, type TargetGroup } from '@pyrometer/model';

export class TargetGroupError extends Error {
  override name = 'TargetGroupError';
}

/**
 * Reads one target group as file SD, HTTP SD and static_configs write it:
 * `{ targets: ["host:port", ...], labels: { name: value } }`, strictly (unknown keys,
 * invalid names and addresses with a path are errors, with Prometheus's wording).
 */
export function targetGroupFromDocument(raw: unknown, source: string): TargetGroup {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new TargetGroupError('empty or null target group, or not a mapping');
  }
  const doc = raw as Record<string, unknown>;
  for (const key of Object.keys(doc)) {
    if (key !== 'targets' && key !== 'labels')
      throw new TargetGroupError(
        `field ${key} not found in type struct { Targets []string; Labels model.LabelSet }`,
      );
  }
  const targets = doc.targets ?? [];
  if (!Array.isArray(targets)) throw new TargetGroupError('"targets" must be a list of strings');
  const labels = doc.labels ?? {};
  if (labels === null || typeof labels !== 'object' || Array.isArray(labels)) {
    throw new TargetGroupError('"labels" must be a mapping of label names to values');
  }
  const pairs: [string, string][] = [];
  for (const [name, value] of Object.entries(labels as Record<string, unknown>)) {
    if (!isValidName(name)) throw new TargetGroupError(`${JSON.stringify(name)} is not a valid label name`);
    if (typeof value !== 'string') throw new TargetGroupError(`label ${name}: value must be a string`);
    if (!value.isWellFormed())
      throw new TargetGroupError(`${JSON.stringify(value)} is not a valid label value`);
    pairs.push([name, value]);
  }
  return {
    source,
    targets: targets.map((t) => {
      if (typeof t !== 'string') throw new TargetGroupError('"targets" must be a list of strings');
      checkTargetAddress(t);
      return Labels.from({ __address__: t });
    }),
    labels: Labels.from(pairs),
  };
}

/** As Prometheus: a target is `host:port` or `host`, never a URL (no `/`). */
export function checkTargetAddress(address: string): void {
  if (address.includes('/')) throw new TargetGroupError(`"${address}" is not a valid hostname`);
}

/** A list of target groups, sources `${prefix}${index}` as Prometheus numbers them. */
export function targetGroupsFromDocument(raw: unknown, sourcePrefix: string): TargetGroup[] {
  if (raw === null || raw === undefined) return [];
  if (!Array.isArray(raw)) throw new TargetGroupError('expected a list of target groups');
  return raw.map((group, i) => {
    if (group === null) throw new TargetGroupError('nil target group item found');
    return targetGroupFromDocument(group, `${sourcePrefix}${i}`);
  });
}

/** Adds `extra` to every group's common labels (e.g. `__meta_filepath`). */
export function withGroupLabels(groups: TargetGroup[], extra: Record<string, string>): TargetGroup[] {
  return groups.map((g) => {
    const b = g.labels.builder();
    for (const [name, value] of Object.entries(extra)) b.set(name, value);
    return { ...g, labels: b.labels() };
  });
}

/** Empty groups for sources that an earlier update had and this one lacks, so they are removed. */
export function removedSources(previous: Iterable<string>, current: readonly TargetGroup[]): TargetGroup[] {
  const now = new Set(current.map((g) => g.source));
  const gone: TargetGroup[] = [];
  for (const source of previous)
    if (!now.has(source)) gone.push({ source, targets: [], labels: Labels.EMPTY });
  return gone;
}
