import { z } from 'zod';
import { staffRoles } from '../domain/case.ts';

export const LoginSchema = z.object({ email: z.email().max(320), password: z.string().min(1).max(200) }).strict();
export const SessionSchema = z.object({
  user: z.object({
    id: z.string(), displayName: z.string(), role: z.enum(staffRoles), officeId: z.string().nullable(),
    municipalities: z.array(z.string()),
  }),
  /** Send it back in `X-CSRF-Token` with every change. */
  csrfToken: z.string(),
  /** The namespace's workflows in the Temporal web UI (a case's workflow is at `/<case id>`), when there is one. */
  temporalUiUrl: z.string().nullable(),
});
z.globalRegistry.add(SessionSchema, { id: 'Session' });

export type Session = z.infer<typeof SessionSchema>;
export type SessionUser = Session['user'];
