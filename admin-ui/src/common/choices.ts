import { useTranslate } from 'react-admin';

/** Choices whose names are translated from `app.<group>.<id>`. */
export function useChoices(group: 'status' | 'outcome' | 'channel' | 'sla' | 'taskStatus' | 'stage', ids: readonly string[]) {
  const translate = useTranslate();
  return ids.map((id) => ({ id, name: translate(`app.${group}.${id}`) }));
}
