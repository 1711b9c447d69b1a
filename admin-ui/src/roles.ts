/** Staff roles, as the API names them (domain/case.ts `staffRoles`). */
export type Role = 'operator' | 'backoffice' | 'designer' | 'supervisor' | 'auditor' | 'admin';

/** A page of the console: its path, its menu label key and the roles whose menu shows it. */
export interface Page { path: string; label: string; roles: readonly Role[] }

// Mirrors the API's role sets (api/auth/principal.ts `can`): a page shows only where its calls are allowed.
const readCases = ['operator', 'backoffice', 'supervisor', 'auditor', 'admin'] as const;
const frontOffice = ['operator', 'supervisor', 'admin'] as const;
const officeWork = ['backoffice', 'supervisor', 'admin'] as const;

/** The menu, in order; the designer's, supervisor's and auditor's own pages join here. */
export const pages: Page[] = [
  { path: '/', label: 'app.menu.dashboard', roles: ['operator', 'backoffice', 'designer', 'supervisor', 'auditor', 'admin'] },
  { path: '/contact', label: 'app.menu.newContact', roles: frontOffice },
  { path: '/my-tasks', label: 'app.menu.myTasks', roles: ['backoffice'] },
  { path: '/tasks', label: 'app.menu.officeQueue', roles: officeWork },
  { path: '/cases', label: 'app.menu.cases', roles: readCases },
  { path: '/kpi', label: 'kpi.menu', roles: ['supervisor', 'auditor', 'admin'] },
];

export const allows = (role: string | undefined, path: string) => pages.some((p) => p.path === path && p.roles.includes(role as Role));
/** Who may reassign many tasks at once: heads of office oversee queues as supervisors. */
export const mayBulkReassign = (role: string | undefined) => role === 'supervisor' || role === 'admin';
