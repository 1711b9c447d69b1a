export const statusChoices = [
  { id: 'open', name: 'Open' },
  { id: 'resolved', name: 'Resolved' },
];
export const channelChoices = ['phone', 'web', 'email', 'social', 'open311', 'counter'].map((id) => ({ id, name: id }));
export const outcomeChoices = [
  { id: 'resolved', name: 'Resolved' },
  { id: 'rejected', name: 'Rejected' },
  { id: 'redirected', name: 'Redirected to the competent body' },
  { id: 'withdrawn', name: 'Withdrawn by the citizen' },
];

/** Staff read times in the city's own zone, whatever the browser's. */
export const romeDateTime = { locales: 'it-IT', showTime: true, options: { timeZone: 'Europe/Rome', dateStyle: 'short', timeStyle: 'short' } } as const;
