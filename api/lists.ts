import type { FastifyReply } from 'fastify';
import type { ListTotal, Page } from '../domain/page.ts';
import { contentRange, pageInMemory, pageOf, totalExactHeader } from '../contracts/list-query.ts';

/** One page of a simple-rest list, with the `Content-Range` react-admin paginates with. */
export function sendPage<T>(
  reply: FastifyReply,
  resource: string,
  page: Page,
  { rows, total }: { rows: T[]; total: ListTotal },
): FastifyReply {
  return reply
    .header('content-range', contentRange(resource, page, rows.length, total))
    .header(totalExactHeader, String(typeof total === 'number'))
    .send(rows);
}

/** A short list (reference data: tens or hundreds of rows) a service gave whole: sorted and paged in memory. */
export function sendInMemoryPage<T>(
  reply: FastifyReply,
  resource: string,
  query: { sort?: readonly [keyof T & string, 'ASC' | 'DESC'] | undefined; range?: [number, number] | undefined },
  all: T[],
): FastifyReply {
  const page = pageOf(query.range);
  return sendPage(reply, resource, page, pageInMemory(all, query.sort, page));
}

/** A creating POST's answer: 201 and what it created, or 200 and what an earlier request with its Idempotency-Key did. */
export const sendCreated = <T>(reply: FastifyReply, { created, record }: { created: boolean; record: T }): FastifyReply =>
  reply.status(created ? 201 : 200).send(record);
