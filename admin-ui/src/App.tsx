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

// Darker status colours than Material's defaults, so white text on them reaches WCAG AA contrast.
const theme = {
  ...defaultTheme,
  palette: {
    ...defaultTheme.palette,
    primary: { main: '#1559a8' }, secondary: { main: '#1a4f8b' }, warning: { main: '#a84b00' }, success: { main: '#1b6e20' }, error: { main: '#c62828' },
  },
};

export function App() {
  return (
    <Admin dataProvider={dataProvider} authProvider={authProvider} i18nProvider={i18nProvider} layout={Layout} dashboard={Dashboard}
      theme={theme} requireAuth title="Sportello" disableTelemetry>
      <Resource name="cases" {...cases} />
      <Resource name="tasks" {...tasks} />
      <Resource name="municipalities" recordRepresentation="name" />
      <Resource name="offices" recordRepresentation="name" />
      <Resource name="services" recordRepresentation="name" />
      <CustomRoutes>
        <Route path="/contact" element={<NewContact />} />
        <Route path="/my-tasks" element={<MyTasks />} />
        <Route path="/kpi" element={<KpiPage />} />
      </CustomRoutes>
    </Admin>
  );
}
