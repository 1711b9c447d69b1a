import { Button, Card, CardContent } from '@mui/material';
import { useState } from 'react';
import {
  AddSavedQueryDialog,
  extractValidSavedQueries,
  FilterList,
  FilterListItem,
  RemoveSavedQueryDialog,
  useListContext,
  useSavedQueries,
  useTranslate,
} from 'react-admin';

interface Quick {
  label: string;
  value: Record<string, unknown>;
}

/**
 * Beside a list: the user's saved searches (kept by react-admin in the browser, per list) and a few
 * ready-made filters. Built from react-admin's parts rather than its SavedQueriesList, whose icon
 * buttons have no name and sit inside the list markup. Each item toggles itself, so the items'
 * unnamed "remove" icons are left out.
 */
export const SavedFilters = ({ quick }: { quick: Quick[] }) => {
  const translate = useTranslate();
  const { resource, filterValues } = useListContext();
  const [saved] = useSavedQueries(resource);
  const [dialog, setDialog] = useState<'add' | 'remove' | null>(null);
  const queries = extractValidSavedQueries(saved);
  const current = queries.some((q) => JSON.stringify(q.value.filter ?? {}) === JSON.stringify(filterValues));
  const filtered = Object.keys(filterValues).length > 0;
  return (
    <Card
      component="aside"
      aria-label={translate('ra.saved_queries.label')}
      sx={{ order: -1, mr: 2, mt: 8, width: 240, flexShrink: 0, alignSelf: 'flex-start' }}
    >
      <CardContent>
        {queries.length > 0 && (
          <FilterList label="ra.saved_queries.label" icon={null}>
            {queries.map((q) => (
              <FilterListItem key={q.label} label={q.label} value={q.value.filter ?? {}} secondaryAction={null} />
            ))}
          </FilterList>
        )}
        {filtered && !current && (
          <Button size="small" onClick={() => setDialog('add')}>
            {translate('ra.saved_queries.new_label')}
          </Button>
        )}
        {current && (
          <Button size="small" onClick={() => setDialog('remove')}>
            {translate('ra.saved_queries.remove_label')}
          </Button>
        )}
        {!filtered && queries.length === 0 && <p>{translate('ra.saved_queries.help')}</p>}
        <FilterList label="app.filters.quick" icon={null}>
          {quick.map((q) => (
            <FilterListItem key={q.label} label={q.label} value={q.value} secondaryAction={null} />
          ))}
        </FilterList>
      </CardContent>
      <AddSavedQueryDialog open={dialog === 'add'} onClose={() => setDialog(null)} />
      <RemoveSavedQueryDialog open={dialog === 'remove'} onClose={() => setDialog(null)} />
    </Card>
  );
};
