import { lazy } from 'react';

export default { list: lazy(() => import('./TaskLists.tsx').then((m) => ({ default: m.OfficeQueue }))) };
