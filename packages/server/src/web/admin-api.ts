import type { ApiContext } from './api-context.ts';
import { ApiError, type ApiSuccess } from './api-response.ts';
import type { RequestParams } from './request-params.ts';
import { matcherSets, timeRange } from './series-api.ts';

/** A handler's answer of 204 No Content, as the admin endpoints give on success. */
export const NO_CONTENT = Symbol('no content');

function unsupported(ctx: ApiContext, what: string): ApiError {
  return new ApiError('unavailable', `${what} is not supported by the ${ctx.storage.kind} storage`);
}

/** `POST|PUT /api/v1/admin/tsdb/delete_series`: `match[]` (required), `start`, `end`. */
export async function deleteSeries(ctx: ApiContext, params: RequestParams): Promise<typeof NO_CONTENT> {
  const sets = matcherSets(ctx, params);
  if (sets.length === 0) throw new ApiError('bad_data', 'no match[] parameter provided');
  const { start, end } = timeRange(params);
  if (ctx.storage.deleteSeries === undefined) throw unsupported(ctx, 'deleting series');
  await ctx.storage.deleteSeries(sets, start, end);
  return NO_CONTENT;
}

/** `POST|PUT /api/v1/admin/tsdb/clean_tombstones`: nothing to clean in a storage without deletion. */
export async function cleanTombstones(ctx: ApiContext): Promise<typeof NO_CONTENT> {
  await ctx.storage.cleanTombstones?.();
  return NO_CONTENT;
}

/** `POST|PUT /api/v1/admin/tsdb/snapshot`: `skip_head`. */
export async function snapshot(ctx: ApiContext, params: RequestParams): Promise<ApiSuccess> {
  const skipText = params.get('skip_head') ?? 'false';
  if (!['true', 'false', '1', '0', 't', 'f', 'TRUE', 'FALSE', 'True', 'False', 'T', 'F'].includes(skipText)) {
    throw new ApiError(
      'bad_data',
      `unable to parse boolean 'skip_head' argument: strconv.ParseBool: parsing ${JSON.stringify(skipText)}: invalid syntax`,
    );
  }
  if (ctx.storage.snapshot === undefined) throw unsupported(ctx, 'taking a snapshot');
  const name = await ctx.storage.snapshot(['true', '1', 't', 'TRUE', 'True', 'T'].includes(skipText));
  return { data: { name } };
}
