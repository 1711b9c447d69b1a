import { Box, Card, CardContent, Link as MuiLink, Table, TableBody, TableCell, TableHead, TableRow, Typography } from '@mui/material';
import { Link } from 'react-router-dom';
import { ListBase, Title, useGetList, useLocale, useTranslate } from 'react-admin';
import { TaskGrid } from '../tasks/TaskLists.tsx';
import { type QueuedTask, queuesByOffice } from './queues.ts';

/** How often the queues are asked again: a supervisor keeps this page open all day. */
export const pollMs = 15_000;
const queueUrl = (filter: Record<string, unknown>) => `/tasks?filter=${encodeURIComponent(JSON.stringify(filter))}`;
const columns = [
  ['open', { status: 'open' }],
  ['claimed', { status: 'claimed' }],
  ['warning', { slaState: 'warning' }],
  ['breached', { slaState: 'breached' }],
  ['escalated', { escalated: true }],
] as const;

/**
 * The supervisor's live view: every office's queue counted (asked again every 15 seconds), each
 * count opening the queue it counts; below, the escalated tasks to act on at once.
 */
export const LiveQueues = () => {
  const translate = useTranslate();
  const locale = useLocale();
  const {
    data = [],
    total = 0,
    dataUpdatedAt,
  } = useGetList<QueuedTask & { id: string }>(
    'tasks',
    { pagination: { page: 1, perPage: 1000 }, sort: { field: 'dueAt', order: 'ASC' } },
    { refetchInterval: pollMs },
  );
  const queues = queuesByOffice(data);
  const time = new Intl.DateTimeFormat(locale === 'en' ? 'en-GB' : 'it-IT', { timeZone: 'Europe/Rome', timeStyle: 'medium' });
  return (
    <Box sx={{ mt: 2 }}>
      <Title title="app.menu.queues" />
      <Card component="section" aria-labelledby="live-queues" sx={{ mb: 2 }}>
        <CardContent>
          <Typography id="live-queues" component="h1" variant="h5">
            {translate('app.queues.title')}
          </Typography>
          <Typography variant="body2" role="status" sx={{ mb: 1 }}>
            {dataUpdatedAt
              ? translate('app.queues.updated', { time: time.format(dataUpdatedAt), seconds: pollMs / 1000 })
              : translate('ra.page.loading')}
            {total > data.length && ` ${translate('app.queues.partial', { shown: data.length, total })}`}
          </Typography>
          {queues.length === 0 ? (
            <Typography>{translate('app.queues.empty')}</Typography>
          ) : (
            <Table size="small" aria-labelledby="live-queues">
              <TableHead>
                <TableRow>
                  <TableCell>{translate('app.queues.office')}</TableCell>
                  {columns.map(([c]) => (
                    <TableCell key={c} align="right">
                      {translate(`app.queues.${c}`)}
                    </TableCell>
                  ))}
                </TableRow>
              </TableHead>
              <TableBody>
                {queues.map((q) => (
                  <TableRow key={q.officeId}>
                    <TableCell component="th" scope="row">
                      {q.officeName}
                    </TableCell>
                    {columns.map(([c, filter]) => (
                      <TableCell
                        key={c}
                        align="right"
                        sx={c === 'breached' && q.breached ? { fontWeight: 'bold', color: 'error.main' } : undefined}
                      >
                        <MuiLink
                          component={Link}
                          to={queueUrl({ officeId: q.officeId, ...filter })}
                          aria-label={`${q.officeName}: ${translate(`app.queues.${c}`)} ${q[c]}`}
                        >
                          {q[c]}
                        </MuiLink>
                      </TableCell>
                    ))}
                  </TableRow>
                ))}
              </TableBody>
            </Table>
          )}
        </CardContent>
      </Card>
      <Card component="section" aria-labelledby="escalations">
        <CardContent>
          <Typography id="escalations" component="h2" variant="h6">
            {translate('app.queues.escalations')}
          </Typography>
          <ListBase
            resource="tasks"
            filter={{ escalated: true }}
            sort={{ field: 'dueAt', order: 'ASC' }}
            perPage={50}
            disableSyncWithLocation
            storeKey="escalations"
            queryOptions={{ refetchInterval: pollMs }}
          >
            <TaskGrid bulk empty={<Typography sx={{ p: 2 }}>{translate('app.queues.noEscalations')}</Typography>} />
          </ListBase>
        </CardContent>
      </Card>
    </Box>
  );
};
