import englishMessages from 'ra-language-english';
import { kpiEn } from './kpi-en.ts';

/** The console's own strings; it.ts has the same keys (its type checks it). */
export const en = {
  ...englishMessages,
  app: {
    menu: { dashboard: 'Dashboard', newContact: 'New contact', myTasks: 'My tasks', officeQueue: 'Office queue', cases: 'Cases' },
    roles: { operator: 'operator', backoffice: 'back office', designer: 'process designer', supervisor: 'supervisor', auditor: 'auditor', admin: 'administrator' },
    status: { open: 'Open', resolved: 'Resolved' },
    stage: { intake: 'First level', office: 'At the office', 'waiting-citizen': 'Waiting for the citizen', resolved: 'Resolved', survey: 'Survey', closed: 'Closed' },
    outcome: { resolved: 'Resolved', rejected: 'Rejected', redirected: 'Redirected to the competent body', withdrawn: 'Withdrawn by the citizen' },
    channel: { phone: 'Phone', web: 'Web', email: 'E-mail', social: 'Social media', open311: 'Open311 app', counter: 'Counter' },
    sla: { 'on-track': 'On track', warning: 'Due soon', breached: 'Overdue' },
    taskStatus: { open: 'To claim', claimed: 'In progress', done: 'Done' },
    action: {
      confirm: 'Confirm', cancel: 'Cancel', note: 'Note', outcome: 'Outcome',
      resolve: { label: 'Resolve', title: 'Resolve case %{id}', done: 'Case resolved' },
      transfer: { label: 'Transfer to office', title: 'Transfer case %{id}', done: 'Case transferred' },
    },
    cases: {
      empty: 'No cases yet: cases opened by operators, Open311 or the phone line appear here.',
      notTransferred: 'Not transferred to an office', system: 'system', serviceDetails: 'Service details',
    },
    tasks: {
      myEmpty: 'You are working on no task: claim one from your office queue.',
      queueEmpty: 'The queue is empty: every task of the office has been handled.',
      due: 'Due %{when}',
      claim: { label: 'Claim', done: 'Task claimed: it is yours now' },
      release: { label: 'Release', done: 'Task back in the office queue' },
      ask: { label: 'Ask the citizen', title: 'Ask the citizen for information (%{id})', question: 'Question for the citizen', done: 'Question sent: the SLA clock stops until the answer' },
      complete: { label: 'Answer and resolve', title: 'Answer and resolve %{id}', answer: 'Answer to the citizen', done: 'Answer sent, case resolved' },
      reassign: { label: 'Hand on', title: 'Hand on to another office (%{id})', office: 'Office', reason: 'Reason', done: 'Task handed on' },
      bulkReassign: { label: 'Reassign', title: 'Reassign %{smart_count} task to another office |||| Reassign %{smart_count} tasks to another office', done: '%{ok} reassigned', failed: '%{id}: %{reason}' },
    },
    dashboard: {
      welcome: 'Good day, %{name}',
      todayCases: 'Cases opened today', openCases: 'Open cases', breachedCases: 'Cases past their due time',
      myTasks: 'My tasks', officeQueue: 'Office queue (to claim)', officeBreaches: 'Breaches in my office', openTasks: 'Open tasks',
      recentCases: 'Latest cases', nextTasks: 'My tasks by due time', drafts: 'Definition versions',
      startContact: 'New contact (Alt+N)', nothing: 'Nothing here.',
    },
    contact: {
      title: 'New contact',
      shortcuts: 'Keyboard: Enter submits the current step · Alt+L citizen lookup · Alt+K knowledge base · Alt+R resolve · Alt+T transfer · Alt+N new contact.',
      lookup: { legend: '1. Citizen', label: 'Phone, fiscal code or e-mail', help: 'The kind is recognised from what you type', submit: 'Find', newCitizen: 'Continue as a new citizen',
        notFound: 'No citizen with this %{key}: continue as a new citizen.', invalid: 'Type a phone number, a 16-character fiscal code or an e-mail address',
        found: 'Citizen found', openCases: 'Open cases', noOpenCases: 'No open case.', history: 'Contact history', noHistory: 'No previous contact.',
        inbound: 'from the citizen', outbound: 'to the citizen' },
      key: { phone: 'phone number', fiscalCode: 'fiscal code', email: 'e-mail' },
      citizen: { name: 'Name and surname', phone: 'Phone', email: 'E-mail', fiscalCode: 'Fiscal code' },
      request: { legend: '2. Request', municipality: 'Municipality', service: 'Service', channel: 'Channel', subject: 'Subject', description: 'Description',
        details: 'Service details', mayClose: 'This service may be answered at the first level.', mustTransfer: 'This service is always transferred to its office.', submit: 'Open the case' },
      invalid: { required: 'Required', number: 'A number', boolean: 'Yes or no', select: 'Pick one of the options', date: 'A date', email: 'An e-mail address',
        phone: 'A phone number of 6 to 15 digits', 'fiscal-code': 'An Italian fiscal code (16 characters)', text: 'Does not match the expected format', textarea: 'Too long',
        subject: 'At least 3 characters' },
      fixErrors: 'Some fields need correcting.',
      opened: 'Case %{id} opened',
      decide: { legend: '3. Answer or transfer', resolve: 'Resolve at first level', transfer: 'Transfer to the office', resolved: 'Case %{id} resolved at the first level', transferred: 'Case %{id} transferred to the competent office', show: 'Show the case', next: 'Next contact' },
      kb: { legend: 'Knowledge base', label: 'Search the knowledge base', submit: 'Search', empty: 'No article found.', hint: 'Type at least 2 characters.' },
    },
  },
  kpi: kpiEn,
  resources: {
    cases: {
      name: 'Case |||| Cases',
      fields: {
        id: 'Number', q: 'Search', createdAt: 'Opened', updatedAt: 'Updated', resolvedAt: 'Resolved', municipalityId: 'Municipality', municipalityName: 'Municipality',
        serviceName: 'Service', channel: 'Channel', subject: 'Subject', description: 'Description', status: 'Status', stage: 'Stage', outcome: 'Outcome',
        citizen: { name: 'Citizen', phone: 'Phone', email: 'E-mail', fiscalCode: 'Fiscal code' },
        definitionVersion: 'Definition version', tasks: 'Office tasks', events: 'Timeline',
        officeName: 'Office', assignee: 'Assignee', warningAt: 'Warning', dueAt: 'Due', slaState: 'SLA',
        seq: '#', at: 'When', type: 'Event', actor: 'By', data: 'Details',
      },
    },
    tasks: {
      name: 'Task |||| Tasks',
      fields: { caseId: 'Case', subject: 'Subject', serviceName: 'Service', officeId: 'Office', status: 'Status', assignee: 'Assignee', dueAt: 'Due', slaState: 'SLA' },
    },
  },
};
export type Messages = typeof en;
