import { useGetList } from 'react-admin';

interface Named {
  id: string;
  name: string;
  code?: string;
  municipalityId?: string;
}
const all = { pagination: { page: 1, perPage: 500 }, sort: { field: 'name', order: 'ASC' as const } };

/** Municipalities, services and offices the caller serves, for the filters and for naming breakdown keys. */
export function useReference() {
  const municipalities = useGetList<Named>('municipalities', all).data ?? [];
  const services = useGetList<Named>('services', all).data ?? [];
  const offices = useGetList<Named>('offices', all).data ?? [];
  // A service code is the same service in every municipality (the catalogue is shared).
  const serviceName = new Map(services.map((s) => [s.code ?? s.id, s.name]));
  const officeName = new Map(offices.map((o) => [o.id, o.name]));
  const municipalityName = new Map(municipalities.map((m) => [m.id, m.name]));
  return { municipalities, services, offices, serviceName, officeName, municipalityName };
}
export type Reference = ReturnType<typeof useReference>;
