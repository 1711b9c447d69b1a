import { z } from 'zod';
import { CitizenSchema } from '../domain/case.ts';

/** The parameters of GeoReport v2 (Open311), as its specification names them. */

export const FormatParams = z.object({ format: z.enum(['json', 'xml']) });
export const ServiceParams = FormatParams.extend({ service_code: z.string().max(60) });
export const RequestParams = FormatParams.extend({ service_request_id: z.string().max(40) });
export const MediaParams = z.object({ id: z.string().max(60) });
/** An integration's key, for the GETs that show a key holder more than anyone (see Open311View). */
export const ApiKeyQuery = z.object({ api_key: z.string().max(200).optional() });
export const JurisdictionQuery = ApiKeyQuery.extend({ jurisdiction_id: z.string().max(60).optional() });

/** `a,b` or a repeated parameter, as a list. */
const commaList = z.union([z.string(), z.array(z.string())]).transform((v) =>
  [v]
    .flat()
    .flatMap((s) => s.split(','))
    .map((s) => s.trim())
    .filter(Boolean),
);
export const RequestsQuery = JurisdictionQuery.extend({
  service_request_id: commaList.pipe(z.array(z.string().max(40)).max(1000)).optional(),
  service_code: commaList.pipe(z.array(z.string().max(60)).max(100)).optional(),
  start_date: z.iso.datetime({ offset: true }).optional(),
  end_date: z.iso.datetime({ offset: true }).optional(),
  status: commaList.pipe(z.array(z.enum(['open', 'closed']))).optional(),
});
export type RequestsQuery = z.infer<typeof RequestsQuery>;

// The other parameters of POST requests, once api_key and jurisdiction_id are settled.
const phone = z
  .string()
  .transform((s) => s.replace(/[\s().-]/g, ''))
  .pipe(CitizenSchema.shape.phone.unwrap());
export const NewRequest = z.object({
  service_code: z.string({ error: 'service_code was not provided' }).max(60),
  lat: z.coerce.number().min(-90).max(90).optional(),
  long: z.coerce.number().min(-180).max(180).optional(),
  address_string: z.string().max(300).optional(),
  address_id: z.string().max(100).optional(),
  email: CitizenSchema.shape.email,
  phone: phone.optional(),
  first_name: z.string().max(100).optional(),
  last_name: z.string().max(100).optional(),
  description: z.string().max(4000).optional(),
  media_url: z.url().max(2000).optional(),
});

/** The window of `GET servicerequestupdates` (the FixMyStreet update extension). */
export const UpdatesQuery = JurisdictionQuery.extend({
  start_date: z.iso.datetime({ offset: true }).optional(),
  end_date: z.iso.datetime({ offset: true }).optional(),
});
export type UpdatesQuery = z.infer<typeof UpdatesQuery>;

/** A citizen's update to a request (`POST servicerequestupdates`), once api_key and jurisdiction_id are settled. */
export const NewUpdate = z.object({
  service_request_id: z.string({ error: 'service_request_id was not provided' }).max(40),
  /** The client's own id of the update (FixMyStreet sends its comment's): a retry with it adds nothing. */
  update_id: z.string().trim().min(1).max(100).optional(),
  description: z.string({ error: 'description was not provided' }).min(1).max(4000),
  updated_datetime: z.iso.datetime({ offset: true }).optional(),
  status: z
    .string()
    .transform((s) => s.toLowerCase())
    .pipe(z.enum(['open', 'closed']))
    .optional(),
  // Who wrote it: accepted as the extension defines them, not kept (the case has its citizen).
  email: CitizenSchema.shape.email,
  first_name: z.string().max(100).optional(),
  last_name: z.string().max(100).optional(),
  media_url: z.url().max(2000).optional(),
});
