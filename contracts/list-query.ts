import { z } from 'zod';
import type { ListTotal, Page } from '../domain/page.ts';

/** A JSON-encoded query parameter, as react-admin's simple-rest data provider sends them. */
const jsonParam = <T extends z.ZodType>(inner: T) =>
  z
    .string()
    .transform((s, ctx) => {
      try {
        return JSON.parse(s) as unknown;
      } catch {
        ctx.addIssue({ code: 'custom', message: 'must be valid JSON' });
        return z.NEVER;
      }
    })
    .pipe(inner);

/**
 * Query of a simple-rest list: `sort=["field","ASC"]`, `range=[0,24]`, `filter={...}`.
 * Each list declares its sortable fields and its (strict) filter object, so bad input is a 400 naming the field.
 */
export function listQuerySchema<const S extends readonly [string, ...string[]], F extends z.ZodType>(sortFields: S, filter: F) {
  return z.object({
    sort: jsonParam(z.tuple([z.enum(sortFields), z.enum(['ASC', 'DESC'])])).optional(),
    range: jsonParam(
      z
        .tuple([z.number().int().min(0), z.number().int().min(0)])
        .refine(([a, b]) => b >= a && b - a < 1000, 'range must be [first, last] with at most 1000 rows'),
    ).optional(),
    filter: jsonParam(filter).optional(),
  });
}

export const pageOf = (range: [number, number] | undefined): Page =>
  range ? { offset: range[0], limit: range[1] - range[0] + 1 } : { offset: 0, limit: 25 };

/**
 * `Content-Range: cases 0-24/319`, the total react-admin paginates with. A capped total is sent as
 * its lower bound (`cases 0-24/1001`, "more than 1,000"): react-admin's simple-rest provider reads
 * a number only; `X-Total-Exact: false` (`totalExactHeader`) says it is one.
 */
export function contentRange(resource: string, page: Page, returned: number, total: ListTotal): string {
  const n = typeof total === 'number' ? total : total.moreThan + 1;
  return returned === 0 ? `${resource} */${n}` : `${resource} ${page.offset}-${page.offset + returned - 1}/${n}`;
}
/** `true` when a list's `Content-Range` total is its exact size, `false` when it is only a lower bound. */
export const totalExactHeader = 'x-total-exact';

/** `filter={"id":[...]}` is how react-admin fetches the records a reference shows (getMany). */
export const IdFilterSchema = z.union([z.string(), z.array(z.string()).max(1000)]).optional();
export const idMatches = (filter: string | string[] | undefined, id: string) => filter === undefined || [filter].flat().includes(id);

const compare = (a: unknown, b: unknown) =>
  a == null
    ? b == null
      ? 0
      : 1
    : b == null
      ? -1
      : typeof a === 'string' && typeof b === 'string'
        ? a.localeCompare(b, 'it')
        : Number(a) - Number(b);

/** One page of a short list (reference data: tens or hundreds of rows), sorted and paged in memory. */
export function pageInMemory<T>(
  all: T[],
  sort: readonly [keyof T & string, 'ASC' | 'DESC'] | undefined,
  page: Page,
): { rows: T[]; total: number } {
  const sorted = sort ? [...all].sort((a, b) => compare(a[sort[0]], b[sort[0]]) * (sort[1] === 'DESC' ? -1 : 1)) : all;
  return { rows: sorted.slice(page.offset, page.offset + page.limit), total: all.length };
}
