/** Staff roles, as the API names them (domain/case.ts `staffRoles`). */
export type Role = 'operator' | 'backoffice' | 'designer' | 'supervisor' | 'auditor' | 'admin';

/** A page of the console: its path, its menu label key and the roles whose menu shows it. */
export interface Page { path: string; label: string; roles: readonly Role[] }

// Mirrors the API's role sets (domain/principal.ts `can`): a page shows only where its calls are allowed.
const readCases = ['operator', 'backoffice', 'supervisor', 'auditor', 'admin'] as const;
const frontOffice = ['operator', 'supervisor', 'admin'] as const;
const officeWork = ['backoffice', 'supervisor', 'admin'] as const;
const readDefinitions = ['designer', 'supervisor', 'auditor', 'admin'] as const;
const oversee = ['supervisor', 'admin'] as const;
const audit = ['auditor', 'admin'] as const;

/** The menu, in order. */
export const pages: Page[] = [
  { path: '/', label: 'app.menu.dashboard', roles: ['operator', 'backoffice', 'designer', 'supervisor', 'auditor', 'admin'] },
  { path: '/contact', label: 'app.menu.newContact', roles: frontOffice },
  { path: '/my-tasks', label: 'app.menu.myTasks', roles: ['backoffice'] },
  { path: '/tasks', label: 'app.menu.officeQueue', roles: officeWork },
  { path: '/queues', label: 'app.menu.queues', roles: oversee },
  { path: '/cases', label: 'app.menu.cases', roles: readCases },
  // Auditors trace contacts as well as cases; the KPI dashboard's call figures open this list.
  { path: '/calls', label: 'app.menu.calls', roles: ['supervisor', 'auditor', 'admin'] },
  { path: '/definitions', label: 'app.menu.definitions', roles: readDefinitions },
  { path: '/audit', label: 'app.menu.audit', roles: audit },
  { path: '/kpi', label: 'kpi.menu', roles: ['supervisor', 'auditor', 'admin'] },
];

export const allows = (role: string | undefined, path: string) => pages.some((p) => p.path === path && p.roles.includes(role as Role));
const within = (roles: readonly Role[]) => (role: string | undefined) => roles.includes(role as Role);
/** Who may reassign many tasks at once: heads of office oversee queues as supervisors. */
export const mayBulkReassign = within(oversee);
/** Who edits and publishes definitions (the API's `can.design`). */
export const mayDesign = within(['designer', 'admin']);
/** Notes on a case's timeline (`can.caseWork`); withdraw and callbacks (`can.frontOffice`). */
export const mayAddNotes = within(['operator', 'backoffice', 'supervisor', 'admin']);
export const mayActOnCase = within(frontOffice);
export const mayAudit = within(audit);
