import { can } from '../../domain/principal.ts';
import type { StaffRole } from '../../domain/case.ts';

/** A page of the console: its path, its menu label key and the roles whose menu shows it. */
export interface Page {
  path: string;
  label: string;
  roles: readonly StaffRole[];
}

// The API's role sets: a page shows only where its calls are allowed.
const { anyone, readCases, frontOffice, officeWork, readDefinitions, audit, readKpis } = can;
/** Who oversees the queues: supervisors (heads of office) and administrators. */
const oversee = ['supervisor', 'admin'] as const satisfies readonly StaffRole[];

/** The menu, in order. */
export const pages: Page[] = [
  { path: '/', label: 'app.menu.dashboard', roles: anyone },
  { path: '/contact', label: 'app.menu.newContact', roles: frontOffice },
  { path: '/my-tasks', label: 'app.menu.myTasks', roles: ['backoffice'] },
  { path: '/tasks', label: 'app.menu.officeQueue', roles: officeWork },
  { path: '/queues', label: 'app.menu.queues', roles: oversee },
  { path: '/cases', label: 'app.menu.cases', roles: readCases },
  // Auditors trace contacts as well as cases; the KPI dashboard's call figures open this list.
  { path: '/calls', label: 'app.menu.calls', roles: readKpis },
  { path: '/definitions', label: 'app.menu.definitions', roles: readDefinitions },
  { path: '/messages', label: 'app.menu.messages', roles: can.manageMessages },
  // Cases whose write to the database failed for good: the administrators remove the cause and retry.
  { path: '/stuck-cases', label: 'app.menu.stuckCases', roles: can.administer },
  { path: '/templates', label: 'app.menu.templates', roles: can.administer },
  // The back office prints and posts the letters (the API's `can.officeWork`).
  { path: '/letters', label: 'app.menu.letters', roles: officeWork },
  { path: '/citizens/duplicates', label: 'app.menu.duplicates', roles: can.mergeCitizens },
  { path: '/citizens/erasure', label: 'app.menu.erasure', roles: can.administer },
  { path: '/audit', label: 'app.menu.audit', roles: audit },
  { path: '/kpi', label: 'kpi.menu', roles: readKpis },
];

export const allows = (role: string | undefined, path: string) => pages.some((p) => p.path === path && p.roles.includes(role as StaffRole));
const within = (roles: readonly StaffRole[]) => (role: string | undefined) => roles.includes(role as StaffRole);
/** Who may reassign many tasks at once: heads of office oversee queues as supervisors. */
export const mayBulkReassign = within(oversee);
/** Who edits and publishes definitions (the API's `can.design`). */
export const mayDesign = within(can.design);
/** Notes on a case's timeline (`can.caseWork`); withdraw and callbacks (`can.frontOffice`). */
export const mayAddNotes = within(can.caseWork);
export const mayActOnCase = within(frontOffice);
export const mayAudit = within(audit);
/** The citizen's right of access: their whole file, downloaded (`can.exportCitizens`). */
export const mayExportCitizens = within(can.exportCitizens);
