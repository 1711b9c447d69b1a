import { z } from 'zod';
import { CalendarSchema } from '../domain/calendar.ts';
import { PhoneNumberSchema, staffRoles } from '../domain/case.ts';
import { IdFilterSchema, listQuerySchema } from './list-query.ts';

/** The reference data an administrator keeps: municipalities, their offices and calendars, staff accounts, API keys. */

const slugId = (example: string) => z.string().regex(/^[a-z0-9][a-z0-9-]{1,59}$/, `an id such as "${example}"`);
const name = z.string().trim().min(2).max(200);
const email = z
  .email()
  .max(320)
  .transform((s) => s.toLowerCase());
/** A PUT body: the fields to change, at least one (react-admin sends them all; others may send a few). */
const changesTo = <T extends z.ZodObject>(fields: T) =>
  fields
    .partial()
    .strict()
    .refine((o) => Object.values(o).some((v) => v !== undefined), 'give at least one field to change');

export const MunicipalitySchema = z.object({ id: z.string(), name: z.string(), istatCode: z.string() });
export const NewMunicipalitySchema = z
  .object({
    id: slugId('milano'),
    name,
    istatCode: z.string().regex(/^\d{6}$/, 'the 6-digit ISTAT code, such as "015146"'),
  })
  .strict();
export const MunicipalityUpdateSchema = changesTo(NewMunicipalitySchema.omit({ id: true }));
z.globalRegistry.add(MunicipalitySchema, { id: 'Municipality' });
export type Municipality = z.infer<typeof MunicipalitySchema>;
export type NewMunicipality = z.infer<typeof NewMunicipalitySchema>;
export type MunicipalityUpdate = z.infer<typeof MunicipalityUpdateSchema>;

export const OfficeSchema = z.object({
  id: z.string(),
  municipalityId: z.string(),
  name: z.string(),
  email: z.string().nullable(),
  phone: z.string().nullable(),
  calendarId: z.string().nullable(),
});
export const NewOfficeSchema = z
  .object({
    id: slugId('mi-tributi'),
    municipalityId: z.string(),
    name,
    email: email.nullable().optional(),
    phone: PhoneNumberSchema.nullable().optional(),
    /** Required: an office's service levels are computed on it (a transfer to an office without one cannot proceed). */
    calendarId: z.string(),
  })
  .strict();
export const OfficeUpdateSchema = changesTo(NewOfficeSchema.omit({ id: true, municipalityId: true }));
z.globalRegistry.add(OfficeSchema, { id: 'Office' });
export type Office = z.infer<typeof OfficeSchema>;
export type NewOffice = z.infer<typeof NewOfficeSchema>;
export type OfficeUpdate = z.infer<typeof OfficeUpdateSchema>;

export const CalendarRecordSchema = z.object({ id: z.string(), municipalityId: z.string(), name: z.string(), spec: CalendarSchema });
export const NewCalendarSchema = z.object({ id: slugId('mi-uffici'), municipalityId: z.string(), name, spec: CalendarSchema }).strict();
export const CalendarUpdateSchema = changesTo(NewCalendarSchema.omit({ id: true, municipalityId: true }));
z.globalRegistry.add(CalendarRecordSchema, { id: 'CalendarRecord' });
export type CalendarRecord = z.infer<typeof CalendarRecordSchema>;
export type NewCalendar = z.infer<typeof NewCalendarSchema>;
export type CalendarUpdate = z.infer<typeof CalendarUpdateSchema>;

/** A staff account as the API shows it: never its password hash. */
export const StaffUserSchema = z.object({
  id: z.string(),
  displayName: z.string(),
  email: z.string(),
  role: z.enum(staffRoles),
  officeId: z.string().nullable(),
  municipalities: z.array(z.string()),
  hasPassword: z.boolean(),
  disabledAt: z.date().nullable(),
  createdAt: z.date(),
});
export const NewStaffUserSchema = z
  .object({
    id: z.string().regex(/^[a-z0-9][a-z0-9._-]{1,59}$/, 'an id such as "giulia.operatrice"'),
    displayName: name,
    email,
    role: z.enum(staffRoles),
    officeId: z.string().nullable().optional(),
    municipalities: z.array(z.string()).min(1).max(50),
  })
  .strict();
export const StaffUserUpdateSchema = changesTo(NewStaffUserSchema.omit({ id: true }));
export const PasswordSchema = z.object({ password: z.string().min(12, 'at least 12 characters').max(200) }).strict();
z.globalRegistry.add(StaffUserSchema, { id: 'StaffUser' });
export type StaffUser = z.infer<typeof StaffUserSchema>;
export type NewStaffUser = z.infer<typeof NewStaffUserSchema>;
export type StaffUserUpdate = z.infer<typeof StaffUserUpdateSchema>;

export const MunicipalityListQuerySchema = listQuerySchema(['name', 'id'], z.object({ id: IdFilterSchema }).strict());
export const OfficeListQuerySchema = listQuerySchema(
  ['name', 'id', 'municipalityId'],
  z
    .object({
      id: IdFilterSchema,
      municipalityId: z.string().optional(),
      q: z.string().max(200).optional(),
    })
    .strict(),
);
export const CalendarListQuerySchema = listQuerySchema(
  ['name', 'id', 'municipalityId'],
  z
    .object({
      id: IdFilterSchema,
      municipalityId: z.string().optional(),
    })
    .strict(),
);
export const StaffUserListQuerySchema = listQuerySchema(
  ['displayName', 'id', 'email', 'role', 'createdAt'],
  z
    .object({
      id: IdFilterSchema,
      role: z.enum(staffRoles).optional(),
      officeId: z.string().optional(),
      municipalityId: z.string().optional(),
      disabled: z.boolean().optional(),
      q: z.string().max(200).optional(),
    })
    .strict(),
);

export type MunicipalityFilter = NonNullable<z.infer<typeof MunicipalityListQuerySchema>['filter']>;
export type OfficeFilter = NonNullable<z.infer<typeof OfficeListQuerySchema>['filter']>;
export type CalendarFilter = NonNullable<z.infer<typeof CalendarListQuerySchema>['filter']>;
export type StaffUserFilter = NonNullable<z.infer<typeof StaffUserListQuerySchema>['filter']>;

export const IdParams = z.object({ id: z.string().min(1).max(100) });

/** Keys are for integrations (Open311 portals, telephony adapters); never admin, never wider than their creator. */
export const ApiKeySchema = z.object({
  id: z.string(),
  name: z.string(),
  role: z.enum(staffRoles),
  municipalities: z.array(z.string()),
  expiresAt: z.date().nullable(),
  /** Requests per minute this key may make; null: the API's default (`RATE_LIMIT_PER_MINUTE`). */
  rateLimitPerMinute: z.number().int().nullable(),
  revokedAt: z.date().nullable(),
  createdBy: z.string(),
  createdAt: z.date(),
  lastUsedAt: z.date().nullable(),
});
/** A key as created: with the key itself, shown in this answer only. */
export const CreatedApiKeySchema = ApiKeySchema.extend({ key: z.string() });
export const NewApiKeySchema = z
  .object({
    name: z.string().trim().min(3).max(100),
    role: z.enum(staffRoles).exclude(['admin']),
    municipalities: z.array(z.string()).min(1).max(50),
    expiresAt: z.iso.datetime({ offset: true }).optional(),
    /** An integration that calls more (a telephony adapter, a city portal) gets its own limit. */
    rateLimitPerMinute: z.number().int().min(1).max(1_000_000).optional(),
  })
  .strict();
z.globalRegistry.add(ApiKeySchema, { id: 'ApiKey' });
export const ApiKeyParams = z.object({ id: z.string().regex(/^[0-9a-f]{12}$/, 'an API key id') });
export type ApiKey = z.infer<typeof ApiKeySchema>;
export type NewApiKey = z.infer<typeof NewApiKeySchema>;
