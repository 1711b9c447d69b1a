import { z } from 'zod';
import { StaffUserSchema } from './administration.ts';

export const LoginSchema = z.object({ email: z.email().max(320), password: z.string().min(1).max(200) }).strict();

/** Who is logged in: the part of their account the console needs. */
export const SessionUserSchema = StaffUserSchema.pick({ id: true, displayName: true, role: true, officeId: true, municipalities: true });
export const SessionSchema = z.object({
  user: SessionUserSchema,
  /** Send it back in `X-CSRF-Token` with every change. */
  csrfToken: z.string(),
  /** The namespace's workflows in the Temporal web UI (a case's workflow is at `/<case id>`), when there is one. */
  temporalUiUrl: z.string().nullable(),
});
z.globalRegistry.add(SessionSchema, { id: 'Session' });

export type Login = z.infer<typeof LoginSchema>;
export type SessionUser = z.infer<typeof SessionUserSchema>;
export type Session = z.infer<typeof SessionSchema>;
