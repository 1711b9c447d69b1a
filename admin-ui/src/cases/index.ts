import { lazy } from 'react';

// Loaded when first visited: the log-in page and dashboard do not pay for them.
export default {
  list: lazy(() => import('./CaseList.tsx').then((m) => ({ default: m.CaseList }))),
  show: lazy(() => import('./CaseShow.tsx').then((m) => ({ default: m.CaseShow }))),
  recordRepresentation: 'id',
};
