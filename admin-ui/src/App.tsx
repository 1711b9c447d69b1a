import { lazy } from 'react';
import { Route } from 'react-router-dom';
import { Admin, CustomRoutes, defaultTheme, Resource } from 'react-admin';
import { authProvider } from './authProvider.ts';
import cases from './cases/index.ts';
import { dataProvider } from './dataProvider.ts';
import { i18nProvider } from './i18n/index.ts';
import { Layout } from './Layout.tsx';
import tasks from './tasks/index.ts';

// Every page is its own chunk: the first load carries only react-admin, the log-in and the layout.
const Dashboard = lazy(() => import('./dashboard/Dashboard.tsx').then((m) => ({ default: m.Dashboard })));
const NewContact = lazy(() => import('./contact/NewContact.tsx').then((m) => ({ default: m.NewContact })));
const KpiPage = lazy(() => import('./kpi/KpiPage.tsx').then((m) => ({ default: m.KpiPage })));
const MyTasks = lazy(() => import('./tasks/TaskLists.tsx').then((m) => ({ default: m.MyTasks })));
const Duplicates = lazy(() => import('./citizens/Duplicates.tsx').then((m) => ({ default: m.Duplicates })));
const CitizenErasure = lazy(() => import('./citizens/Erasure.tsx').then((m) => ({ default: m.CitizenErasure })));
const TemplatesPage = lazy(() => import('./templates/TemplatesPage.tsx').then((m) => ({ default: m.TemplatesPage })));
const LiveQueues = lazy(() => import('./supervision/LiveQueues.tsx').then((m) => ({ default: m.LiveQueues })));
const DefinitionPage = lazy(() => import('./definitions/DefinitionPage.tsx').then((m) => ({ default: m.DefinitionPage })));
const definitions = { list: lazy(() => import('./definitions/DefinitionList.tsx').then((m) => ({ default: m.DefinitionList }))) };
const calls = { list: lazy(() => import('./calls/CallList.tsx').then((m) => ({ default: m.CallList }))) };
const messages = { list: lazy(() => import('./messages/MessageList.tsx').then((m) => ({ default: m.MessageList }))) };
const stuckCases = { list: lazy(() => import('./stuck-cases/StuckCaseList.tsx').then((m) => ({ default: m.StuckCaseList }))) };
const letters = { list: lazy(() => import('./letters/LetterList.tsx').then((m) => ({ default: m.LetterList }))) };
const audit = { list: lazy(() => import('./audit/AuditList.tsx').then((m) => ({ default: m.AuditList }))) };

// Darker status colours than Material's defaults, so white text on them reaches WCAG AA contrast.
const theme = {
  ...defaultTheme,
  palette: {
    ...defaultTheme.palette,
    primary: { main: '#1559a8' },
    secondary: { main: '#1a4f8b' },
    warning: { main: '#a84b00' },
    success: { main: '#1b6e20' },
    error: { main: '#c62828' },
  },
  components: {
    ...defaultTheme.components,
    // With an aside beside them, a list or a record still fits the window: their tables wrap rather than push it wider.
    RaList: { styleOverrides: { root: { '& .RaList-main': { minWidth: 0 } } } },
    RaShow: { styleOverrides: { root: { '& .RaShow-main': { minWidth: 0 } } } },
    // react-admin names a list row's checkbox with `aria-label` on the checkbox, which Material puts
    // on the span around the input: the name moves to the input, where screen readers look for it.
    MuiCheckbox: {
      defaultProps: {
        slotProps: {
          root: (o: { 'aria-label'?: string }) => (o['aria-label'] ? { 'aria-label': undefined } : {}),
          input: (o: { 'aria-label'?: string }) => (o['aria-label'] ? { 'aria-label': o['aria-label'] } : {}),
        },
      },
    },
  },
};

export function App() {
  return (
    <Admin
      dataProvider={dataProvider}
      authProvider={authProvider}
      i18nProvider={i18nProvider}
      layout={Layout}
      dashboard={Dashboard}
      theme={theme}
      requireAuth
      title="Sportello"
      disableTelemetry
    >
      <Resource name="cases" {...cases} />
      <Resource name="tasks" {...tasks} />
      <Resource name="definitions" {...definitions} />
      <Resource name="calls" {...calls} />
      <Resource name="messages" {...messages} />
      <Resource name="stuck-cases" {...stuckCases} />
      <Resource name="letters" {...letters} />
      <Resource name="audit" {...audit} />
      <Resource name="municipalities" recordRepresentation="name" />
      <Resource name="offices" recordRepresentation="name" />
      <Resource name="services" recordRepresentation="name" />
      <CustomRoutes>
        <Route path="/contact" element={<NewContact />} />
        <Route path="/my-tasks" element={<MyTasks />} />
        <Route path="/queues" element={<LiveQueues />} />
        <Route path="/citizens/duplicates" element={<Duplicates />} />
        <Route path="/citizens/erasure" element={<CitizenErasure />} />
        <Route path="/definitions/:serviceCode/:version" element={<DefinitionPage />} />
        <Route path="/kpi" element={<KpiPage />} />
        <Route path="/templates" element={<TemplatesPage />} />
      </CustomRoutes>
    </Admin>
  );
}
