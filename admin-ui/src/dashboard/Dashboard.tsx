import { Box, Button, Card, CardActionArea, CardContent, List as MuiList, ListItem, ListItemButton, ListItemText, Typography } from '@mui/material';
import { Link } from 'react-router-dom';
import { Title, useGetIdentity, useGetList, useLocale, usePermissions, useTranslate } from 'react-admin';
import { type SlaState, SlaChip } from '../common/chips.tsx';
import { formatDateTime, startOfTodayInRome } from '../common/time.ts';
import { allows } from '../roles.ts';

type Filter = Record<string, unknown>;
const listUrl = (resource: string, filter: Filter) => `/${resource}?filter=${encodeURIComponent(JSON.stringify(filter))}`;

/** A count from the list endpoint's Content-Range total, linking to the list it counts. */
// Each list sorts by its own fields only.
const sortOf: Record<string, { field: string; order: 'ASC' | 'DESC' }> = {
  cases: { field: 'createdAt', order: 'DESC' }, tasks: { field: 'dueAt', order: 'ASC' }, definitions: { field: 'serviceCode', order: 'ASC' },
};

const Counter = ({ label, resource, filter, to }: { label: string; resource: string; filter: Filter; to: string }) => {
  const translate = useTranslate();
  const { total, isPending } = useGetList(resource, { pagination: { page: 1, perPage: 1 }, filter, sort: sortOf[resource] });
  return (
    <Card component="section" aria-label={translate(label)} sx={{ minWidth: 220, flex: 1 }}>
      <CardActionArea component={Link} to={to}>
        <CardContent>
          <Typography component="h2" variant="subtitle1">{translate(label)}</Typography>
          <Typography variant="h3" component="p">{isPending ? '…' : total ?? 0}</Typography>
        </CardContent>
      </CardActionArea>
    </Card>
  );
};

const casesCounter = (label: string, filter: Filter) => <Counter key={label} label={label} resource="cases" filter={filter} to={listUrl('cases', filter)} />;
const tasksCounter = (label: string, filter: Filter, path = '/tasks') => <Counter key={label} label={label} resource="tasks" filter={filter} to={`${path}?filter=${encodeURIComponent(JSON.stringify(filter))}`} />;

const RecentCases = () => {
  const translate = useTranslate();
  const locale = useLocale();
  const { data = [] } = useGetList<{ id: string; subject: string; serviceName: string; createdAt: string }>('cases',
    { pagination: { page: 1, perPage: 5 }, sort: { field: 'createdAt', order: 'DESC' } });
  return (
    <Card component="section" aria-labelledby="recent-cases" sx={{ flex: 1, minWidth: 320 }}>
      <CardContent>
        <Typography id="recent-cases" component="h2" variant="h6">{translate('app.dashboard.recentCases')}</Typography>
        <MuiList dense>
          {data.map((c) => (
            <ListItem key={c.id} disablePadding><ListItemButton component={Link} to={`/cases/${encodeURIComponent(c.id)}/show`}>
              <ListItemText primary={`${c.id} · ${c.subject}`} secondary={`${c.serviceName} · ${formatDateTime(c.createdAt, locale)}`} />
            </ListItemButton></ListItem>
          ))}
          {data.length === 0 && <ListItem>{translate('app.dashboard.nothing')}</ListItem>}
        </MuiList>
      </CardContent>
    </Card>
  );
};

const NextTasks = () => {
  const translate = useTranslate();
  const { data = [] } = useGetList<{ id: string; caseId: string; subject: string; slaState: SlaState; dueAt: string }>('tasks',
    { pagination: { page: 1, perPage: 5 }, sort: { field: 'dueAt', order: 'ASC' }, filter: { mine: true } });
  return (
    <Card component="section" aria-labelledby="next-tasks" sx={{ flex: 1, minWidth: 320 }}>
      <CardContent>
        <Typography id="next-tasks" component="h2" variant="h6">{translate('app.dashboard.nextTasks')}</Typography>
        <MuiList dense>
          {data.map((t) => (
            <ListItem key={t.id} disablePadding><ListItemButton component={Link} to={`/cases/${encodeURIComponent(t.caseId)}/show`}>
              <ListItemText primary={`${t.caseId} · ${t.subject}`} secondary={<SlaChip state={t.slaState} dueAt={t.dueAt} />}
                slotProps={{ secondary: { component: 'span' } }} />
            </ListItemButton></ListItem>
          ))}
          {data.length === 0 && <ListItem>{translate('app.tasks.myEmpty')}</ListItem>}
        </MuiList>
      </CardContent>
    </Card>
  );
};

/** What each role needs first when it logs in: counts to act on, and the items nearest at hand. */
export const Dashboard = () => {
  const translate = useTranslate();
  const { identity } = useGetIdentity();
  const { permissions: role } = usePermissions<string>();
  const today = { createdFrom: startOfTodayInRome() };
  const counters = {
    operator: [casesCounter('app.dashboard.todayCases', today), casesCounter('app.dashboard.openCases', { status: 'open' })],
    backoffice: [
      tasksCounter('app.dashboard.myTasks', { mine: true }, '/my-tasks'), tasksCounter('app.dashboard.officeQueue', { status: 'open' }),
      tasksCounter('app.dashboard.officeBreaches', { slaState: 'breached' }),
    ],
    supervisor: [
      casesCounter('app.dashboard.todayCases', today), tasksCounter('app.dashboard.openTasks', { status: 'open' }),
      tasksCounter('app.dashboard.officeBreaches', { slaState: 'breached' }), tasksCounter('app.dashboard.escalations', { escalated: true }),
    ],
    auditor: [casesCounter('app.dashboard.openCases', { status: 'open' }), casesCounter('app.dashboard.breachedCases', { slaState: 'breached' })],
    designer: [<Counter key="drafts" label="app.dashboard.drafts" resource="definitions" filter={{}} to="/definitions" />],
    admin: [casesCounter('app.dashboard.openCases', { status: 'open' }), tasksCounter('app.dashboard.openTasks', { status: 'open' }),
      casesCounter('app.dashboard.breachedCases', { slaState: 'breached' })],
  }[role ?? ''] ?? [];
  return (
    <Box component="section" sx={{ mt: 2 }}>
      <Title title="app.menu.dashboard" />
      <Box sx={{ display: 'flex', alignItems: 'center', gap: 2, mb: 2, flexWrap: 'wrap' }}>
        <Typography component="h1" variant="h5" sx={{ flex: 1 }}>{translate('app.dashboard.welcome', { name: identity?.fullName ?? '' })}</Typography>
        {allows(role, '/contact') && <Button variant="contained" component={Link} to="/contact">{translate('app.dashboard.startContact')}</Button>}
      </Box>
      <Box sx={{ display: 'flex', gap: 2, flexWrap: 'wrap', mb: 2 }}>{counters}</Box>
      <Box sx={{ display: 'flex', gap: 2, flexWrap: 'wrap' }}>
        {role === 'backoffice' && <NextTasks />}
        {allows(role, '/cases') && <RecentCases />}
      </Box>
    </Box>
  );
};
