import AssignmentIcon from '@mui/icons-material/Assignment';
import DashboardIcon from '@mui/icons-material/Dashboard';
import InboxIcon from '@mui/icons-material/Inbox';
import AccountTreeIcon from '@mui/icons-material/AccountTree';
import CallIcon from '@mui/icons-material/Call';
import InsightsIcon from '@mui/icons-material/Insights';
import ListAltIcon from '@mui/icons-material/ListAlt';
import MailIcon from '@mui/icons-material/MailOutlined';
import ReportProblemIcon from '@mui/icons-material/ReportProblemOutlined';
import NotesIcon from '@mui/icons-material/Notes';
import PrintIcon from '@mui/icons-material/Print';
import MonitorHeartIcon from '@mui/icons-material/MonitorHeart';
import VerifiedUserIcon from '@mui/icons-material/VerifiedUser';
import PhoneInTalkIcon from '@mui/icons-material/PhoneInTalk';
import PersonOffIcon from '@mui/icons-material/PersonOff';
import PeopleIcon from '@mui/icons-material/People';
import { type ReactElement, type ReactNode, useEffect } from 'react';
import { useNavigate } from 'react-router-dom';
import {
  AppBar,
  Layout as RaLayout,
  LoadingIndicator,
  LocalesMenuButton,
  Menu as RaMenu,
  useGetIdentity,
  usePermissions,
  UserMenu,
  useTranslate,
} from 'react-admin';
import { allows, pages } from './roles.ts';

const icons: Record<string, ReactElement> = {
  '/': <DashboardIcon />,
  '/contact': <PhoneInTalkIcon />,
  '/my-tasks': <AssignmentIcon />,
  '/tasks': <InboxIcon />,
  '/cases': <ListAltIcon />,
  '/queues': <MonitorHeartIcon />,
  '/calls': <CallIcon />,
  '/definitions': <AccountTreeIcon />,
  '/messages': <MailIcon />,
  '/stuck-cases': <ReportProblemIcon />,
  '/templates': <NotesIcon />,
  '/letters': <PrintIcon />,
  '/citizens/duplicates': <PeopleIcon />,
  '/citizens/erasure': <PersonOffIcon />,
  '/audit': <VerifiedUserIcon />,
  '/kpi': <InsightsIcon />,
};

/** Each role's menu (roles.ts); the locale switcher is react-admin's, shown since there are two locales. */
const Menu = () => {
  const { permissions: role } = usePermissions<string>();
  return (
    <RaMenu>
      {pages
        .filter((p) => p.roles.includes(role as never))
        .map((p) => (
          <RaMenu.Item key={p.path} to={p.path} primaryText={p.label} leftIcon={icons[p.path]} />
        ))}
    </RaMenu>
  );
};

/**
 * react-admin's app bar with names a screen reader can read: the user menu is named as it reads
 * (the user's name), and the loading spinner says it is loading.
 */
const NamedAppBar = () => {
  const translate = useTranslate();
  const { identity } = useGetIdentity();
  const spinner = { 'aria-label': translate('ra.page.loading') } as object;
  return (
    <AppBar
      userMenu={<UserMenu label={identity?.fullName} />}
      toolbar={
        <>
          <LocalesMenuButton />
          <LoadingIndicator {...spinner} />
        </>
      }
    />
  );
};

/** Alt+N, from anywhere: a new contact (the front office's phone rings). */
function useNewContactShortcut() {
  const navigate = useNavigate();
  const { permissions: role } = usePermissions<string>();
  useEffect(() => {
    if (!allows(role, '/contact')) return undefined;
    const onKey = (e: KeyboardEvent) => {
      if (e.altKey && e.code === 'KeyN') {
        e.preventDefault();
        void navigate('/contact', { state: { fresh: Date.now() } });
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [role, navigate]);
}

export const Layout = ({ children }: { children: ReactNode }) => {
  useNewContactShortcut();
  return (
    <RaLayout menu={Menu} appBar={NamedAppBar}>
      {children}
    </RaLayout>
  );
};
