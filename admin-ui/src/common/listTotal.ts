import type { GetListResult } from 'react-admin';
import { totalExactHeader } from '../../../contracts/list-query.ts';

/** What a list page carries besides its rows when the API counted only up to a cap. */
export interface ListMeta {
  /** The list has more rows than this: "more than 1,000". */
  totalMoreThan?: number;
}

/**
 * A list answer as react-admin takes it. An exact total pages as simple-rest does; a capped one
 * (`X-Total-Exact: false`, the Content-Range total a lower bound) pages without a last page, and
 * says how far it was counted, for "more than 1,000".
 */
export function listResult<T>(rows: T[], headers: Headers, page: number, perPage: number): GetListResult & { meta?: ListMeta } {
  const n = parseInt(headers.get('content-range')?.split('/').pop() ?? '', 10);
  if (Number.isNaN(n)) throw new Error('the list answer has no Content-Range total');
  if (headers.get(totalExactHeader) !== 'false') return { data: rows as GetListResult['data'], total: n };
  return {
    data: rows as GetListResult['data'],
    pageInfo: { hasPreviousPage: page > 1, hasNextPage: rows.length === perPage },
    meta: { totalMoreThan: n - 1 },
  };
}
