import {
  Box,
  Button,
  Card,
  CardActionArea,
  CardContent,
  List as MuiList,
  ListItem,
  ListItemButton,
  ListItemText,
  Typography,
} from '@mui/material';
import { Link } from 'react-router-dom';
import { Title, useGetIdentity, useGetList, useLocale, usePermissions, useTranslate } from 'react-admin';
import { type SlaState, SlaChip } from '../common/chips.tsx';
import { formatDateTime, startOfTodayInRome } from '../common/time.ts';
import { allows } from '../roles.ts';
import type { ListMeta } from '../common/listTotal.ts';

type Filter = Record<string, unknown>;
const listUrl = (path: string, filter: Filter) => `${path}?filter=${encodeURIComponent(JSON.stringify(filter))}`;

// Each list sorts by its own fields only.
const sortOf: Record<string, { field: string; order: 'ASC' | 'DESC' }> = {
  cases: { field: 'createdAt', order: 'DESC' },
  tasks: { field: 'dueAt', order: 'ASC' },
  definitions: { field: 'serviceCode', order: 'ASC' },
};

/** A count from the list endpoint's Content-Range total, linking to the list it counts. */
const Counter = ({ label, resource, filter, to }: { label: string; resource: string; filter: Filter; to: string }) => {
  const translate = useTranslate();
  const locale = useLocale();
  const { total, meta, isPending } = useGetList(resource, { pagination: { page: 1, perPage: 1 }, filter, sort: sortOf[resource] });
  // A large list is counted up to a cap: "more than 1,000".
  const moreThan = (meta as ListMeta | undefined)?.totalMoreThan;
  return (
    <Card component="section" aria-label={translate(label)} sx={{ minWidth: 220, flex: 1 }}>
      <CardActionArea component={Link} to={to}>
        <CardContent>
          <Typography component="h2" variant="subtitle1">
            {translate(label)}
          </Typography>
          <Typography variant="h3" component="p">
            {isPending
              ? '…'
              : moreThan !== undefined
                ? translate('app.list.moreThanCount', { n: moreThan.toLocaleString(locale) })
                : (total ?? 0)}
          </Typography>
        </CardContent>
      </CardActionArea>
    </Card>
  );
};

const casesCounter = (label: string, filter: Filter) => (
  <Counter key={label} label={label} resource="cases" filter={filter} to={listUrl('/cases', filter)} />
);
const tasksCounter = (label: string, filter: Filter, path = '/tasks') => (
  <Counter key={label} label={label} resource="tasks" filter={filter} to={listUrl(path, filter)} />
);

interface LinkItem {
  key: string;
  to: string;
  primary: string;
  secondary: React.ReactNode;
}

/** A titled card of the few items nearest at hand, each opening its case; says so when there are none. */
const LinkList = ({ id, title, empty, items }: { id: string; title: string; empty: string; items: LinkItem[] }) => {
  const translate = useTranslate();
  return (
    <Card component="section" aria-labelledby={id} sx={{ flex: 1, minWidth: 320 }}>
      <CardContent>
        <Typography id={id} component="h2" variant="h6">
          {translate(title)}
        </Typography>
        <MuiList dense>
          {items.map((item) => (
            <ListItem key={item.key} disablePadding>
              <ListItemButton component={Link} to={item.to}>
                <ListItemText primary={item.primary} secondary={item.secondary} slotProps={{ secondary: { component: 'span' } }} />
              </ListItemButton>
            </ListItem>
          ))}
          {items.length === 0 && <ListItem>{translate(empty)}</ListItem>}
        </MuiList>
      </CardContent>
    </Card>
  );
};

const caseUrl = (id: string) => `/cases/${encodeURIComponent(id)}/show`;

const RecentCases = () => {
  const locale = useLocale();
  const { data = [] } = useGetList<{ id: string; subject: string; serviceName: string; createdAt: string }>('cases', {
    pagination: { page: 1, perPage: 5 },
    sort: { field: 'createdAt', order: 'DESC' },
  });
  return (
    <LinkList
      id="recent-cases"
      title="app.dashboard.recentCases"
      empty="app.dashboard.nothing"
      items={data.map((c) => ({
        key: c.id,
        to: caseUrl(c.id),
        primary: `${c.id} · ${c.subject}`,
        secondary: `${c.serviceName} · ${formatDateTime(c.createdAt, locale)}`,
      }))}
    />
  );
};

const NextTasks = () => {
  const { data = [] } = useGetList<{ id: string; caseId: string; subject: string; slaState: SlaState; dueAt: string }>('tasks', {
    pagination: { page: 1, perPage: 5 },
    sort: { field: 'dueAt', order: 'ASC' },
    filter: { mine: true },
  });
  return (
    <LinkList
      id="next-tasks"
      title="app.dashboard.nextTasks"
      empty="app.tasks.myEmpty"
      items={data.map((t) => ({
        key: t.id,
        to: caseUrl(t.caseId),
        primary: `${t.caseId} · ${t.subject}`,
        secondary: <SlaChip state={t.slaState} dueAt={t.dueAt} />,
      }))}
    />
  );
};

/** What each role needs first when it logs in: counts to act on, and the items nearest at hand. */
export const Dashboard = () => {
  const translate = useTranslate();
  const { identity } = useGetIdentity();
  const { permissions: role } = usePermissions<string>();
  const today = { createdFrom: startOfTodayInRome() };
  const counters =
    {
      operator: [casesCounter('app.dashboard.todayCases', today), casesCounter('app.dashboard.openCases', { status: 'open' })],
      backoffice: [
        tasksCounter('app.dashboard.myTasks', { mine: true }, '/my-tasks'),
        tasksCounter('app.dashboard.officeQueue', { status: 'open' }),
        tasksCounter('app.dashboard.officeBreaches', { slaState: 'breached' }),
      ],
      supervisor: [
        casesCounter('app.dashboard.todayCases', today),
        tasksCounter('app.dashboard.openTasks', { status: 'open' }),
        tasksCounter('app.dashboard.officeBreaches', { slaState: 'breached' }),
        tasksCounter('app.dashboard.escalations', { escalated: true }),
      ],
      auditor: [
        casesCounter('app.dashboard.openCases', { status: 'open' }),
        casesCounter('app.dashboard.breachedCases', { slaState: 'breached' }),
      ],
      designer: [<Counter key="drafts" label="app.dashboard.drafts" resource="definitions" filter={{}} to="/definitions" />],
      admin: [
        casesCounter('app.dashboard.openCases', { status: 'open' }),
        tasksCounter('app.dashboard.openTasks', { status: 'open' }),
        casesCounter('app.dashboard.breachedCases', { slaState: 'breached' }),
      ],
    }[role ?? ''] ?? [];
  return (
    <Box component="section" sx={{ mt: 2 }}>
      <Title title="app.menu.dashboard" />
      <Box sx={{ display: 'flex', alignItems: 'center', gap: 2, mb: 2, flexWrap: 'wrap' }}>
        <Typography component="h1" variant="h5" sx={{ flex: 1 }}>
          {translate('app.dashboard.welcome', { name: identity?.fullName ?? '' })}
        </Typography>
        {allows(role, '/contact') && (
          <Button variant="contained" component={Link} to="/contact">
            {translate('app.dashboard.startContact')}
          </Button>
        )}
      </Box>
      <Box sx={{ display: 'flex', gap: 2, flexWrap: 'wrap', mb: 2 }}>{counters}</Box>
      <Box sx={{ display: 'flex', gap: 2, flexWrap: 'wrap' }}>
        {role === 'backoffice' && <NextTasks />}
        {allows(role, '/cases') && <RecentCases />}
      </Box>
    </Box>
  );
};
