import { Admin, Resource } from 'react-admin';
import cases from './cases/index.ts';
import { authProvider } from './authProvider.ts';
import { dataProvider } from './dataProvider.ts';

export function App() {
  return (
    <Admin dataProvider={dataProvider} authProvider={authProvider} requireAuth title="Sportello" disableTelemetry>
      <Resource name="cases" {...cases} />
      <Resource name="municipalities" recordRepresentation="name" />
    </Admin>
  );
}
