import { Card, CardContent } from '@mui/material';
import { FilterList, FilterListItem, SavedQueriesList, useTranslate } from 'react-admin';

/**
 * Beside a list: a few ready-made filters, and the user's own saved ones (react-admin keeps them
 * in the browser, per list).
 */
export const SavedFilters = ({ quick }: { quick: { label: string; value: Record<string, unknown> }[] }) => (
  <Card component="aside" aria-label={useTranslate()('ra.saved_queries.label')} sx={{ order: -1, mr: 2, mt: 8, width: 230, flexShrink: 0, alignSelf: 'flex-start' }}>
    <CardContent>
      <SavedQueriesList />
      <FilterList label="app.filters.quick" icon={null}>
        {quick.map((q) => <FilterListItem key={q.label} label={q.label} value={q.value} />)}
      </FilterList>
    </CardContent>
  </Card>
);
