import { useQuery } from '@tanstack/react-query';
import { HttpError, useDataProvider, useLocale } from 'react-admin';
import type { CaseKpis, KpiDefinition, Staffing } from '../../../contracts/kpi.ts';
import type { SportelloDataProvider } from '../dataProvider.ts';

export type { CaseKpis, KpiDefinition, Staffing };

/** What a KPI call gave: its data, its failure in words, or that the API has no such endpoint yet. */
export interface KpiAnswer<T> {
  data?: T;
  error?: string;
  unavailable: boolean;
  isPending: boolean;
}

/**
 * A 404 naming no parameter is an endpoint this API does not have (calls and the monthly report
 * arrive in later releases); one naming a parameter is a filter the caller does not serve.
 */
const missingEndpoint = (e: unknown) =>
  e instanceof HttpError && e.status === 404 && !(e.body as { errors?: unknown[] } | undefined)?.errors?.length;

export function useKpi<T>(path: string, enabled = true): KpiAnswer<T> {
  const dataProvider = useDataProvider<SportelloDataProvider>();
  const q = useQuery({
    queryKey: ['kpi', path],
    enabled,
    staleTime: 30_000,
    retry: false,
    queryFn: () => dataProvider.get<T>(path),
  });
  return {
    data: q.data,
    isPending: enabled && q.isPending,
    unavailable: missingEndpoint(q.error),
    error: q.error && !missingEndpoint(q.error) ? q.error.message : undefined,
  };
}

/** The KPI registry by id: each figure's label in the console's language and its formula. */
export function useDefinitions() {
  const locale = useLocale();
  const { data = [] } = useKpi<KpiDefinition[]>('kpi/definitions');
  const byId = new Map(data.map((d) => [d.id, d]));
  return (id: string) => {
    const d = byId.get(id);
    return { label: d ? d.label[locale === 'en' ? 'en' : 'it'] : id, formula: d?.formula, unit: d?.unit };
  };
}
export type DefinitionOf = ReturnType<typeof useDefinitions>;
