/** An answer of `/api/v1/query` or `/api/v1/query_range`, reduced to what is compared. */
export type Answer =
  | { ok: true; resultType: string; series: Map<string, [number, number][]> }
  | { ok: false; httpStatus: number; errorType: string; error: string };

interface ApiBody {
  status?: string;
  errorType?: string;
  error?: string;
  data?: { resultType?: string; result?: unknown };
}

/** A float as the API writes it: a string, with `+Inf`, `-Inf` and `NaN`. */
export function parseValue(s: string): number {
  if (s === '+Inf' || s === 'Inf') return Number.POSITIVE_INFINITY;
  if (s === '-Inf') return Number.NEGATIVE_INFINITY;
  if (s === 'NaN') return Number.NaN;
  return Number(s);
}

/** A label set as a canonical string (names sorted). */
export function labelKey(metric: Record<string, string>): string {
  const names = Object.keys(metric).sort();
  return `{${names.map((n) => `${n}=${JSON.stringify(metric[n])}`).join(', ')}}`;
}

/** Reads an API JSON body into an `Answer`: series keyed by labels, points sorted by time. */
export function toAnswer(httpStatus: number, body: ApiBody): Answer {
  if (body.status !== 'success') {
    return {
      ok: false,
      httpStatus,
      errorType: body.errorType ?? `http ${httpStatus}`,
      error: body.error ?? '',
    };
  }
  const resultType = body.data?.resultType ?? '?';
  const result = body.data?.result;
  const series = new Map<string, [number, number][]>();
  if (resultType === 'matrix' || resultType === 'vector') {
    for (const s of result as {
      metric: Record<string, string>;
      values?: [number, string][];
      value?: [number, string];
    }[]) {
      const points = s.values ?? (s.value === undefined ? [] : [s.value]);
      series.set(
        labelKey(s.metric),
        points.map(([t, v]) => [t, parseValue(v)]),
      );
    }
  } else {
    const [t, v] = result as [number, string];
    series.set('', [[t, resultType === 'string' ? Number.NaN : parseValue(v)]]);
  }
  return { ok: true, resultType, series };
}

/** Floats equal within 1e-9 relative or 1e-12 absolute; NaN equals NaN; infinities exactly. */
export function floatsEqual(a: number, b: number): boolean {
  if (Number.isNaN(a) || Number.isNaN(b)) return Number.isNaN(a) && Number.isNaN(b);
  if (a === b) return true;
  if (!Number.isFinite(a) || !Number.isFinite(b)) return false;
  const diff = Math.abs(a - b);
  return diff <= 1e-12 || diff <= 1e-9 * Math.max(Math.abs(a), Math.abs(b));
}

const fmt = (p: [number, number] | undefined): string => (p === undefined ? '-' : `${p[1]}@${p[0]}`);

/**
 * Compares a reference answer (Prometheus) with a tested one (Pyrometer). Returns `undefined`
 * when equal, or a short description of the first differences.
 */
export function compareAnswers(ref: Answer, got: Answer): string | undefined {
  if (!ref.ok || !got.ok) {
    if (!ref.ok && !got.ok) {
      return ref.errorType === got.errorType && ref.httpStatus === got.httpStatus
        ? undefined
        : `errors differ: prometheus ${ref.httpStatus} ${ref.errorType} (${ref.error}), ` +
            `pyrometer ${got.httpStatus} ${got.errorType} (${got.error})`;
    }
    return ref.ok
      ? `pyrometer failed (${got.ok ? '' : `${got.errorType}: ${got.error}`}), prometheus succeeded`
      : `prometheus failed (${ref.errorType}: ${ref.error}), pyrometer succeeded`;
  }
  if (ref.resultType !== got.resultType) return `result types differ: ${ref.resultType} vs ${got.resultType}`;
  const problems: string[] = [];
  const onlyRef = [...ref.series.keys()].filter((k) => !got.series.has(k));
  const onlyGot = [...got.series.keys()].filter((k) => !ref.series.has(k));
  if (onlyRef.length > 0)
    problems.push(`${onlyRef.length} series only in prometheus, e.g. ${onlyRef.slice(0, 2).join(' ')}`);
  if (onlyGot.length > 0)
    problems.push(`${onlyGot.length} series only in pyrometer, e.g. ${onlyGot.slice(0, 2).join(' ')}`);
  let differing = 0;
  for (const [key, refPoints] of [...ref.series].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const gotPoints = got.series.get(key);
    if (gotPoints === undefined) continue;
    const n = Math.max(refPoints.length, gotPoints.length);
    for (let i = 0; i < n; i++) {
      const r = refPoints[i];
      const g = gotPoints[i];
      if (r !== undefined && g !== undefined && r[0] === g[0] && floatsEqual(r[1], g[1])) continue;
      differing++;
      if (differing <= 2) {
        problems.push(
          `${key} point ${i} of ${refPoints.length}/${gotPoints.length}: prometheus ${fmt(r)}, pyrometer ${fmt(g)}`,
        );
      }
      break;
    }
  }
  if (differing > 2) problems.push(`… ${differing} series differ in all`);
  return problems.length === 0 ? undefined : problems.join('; ');
}
