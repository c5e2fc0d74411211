/** Signed out: the sign-in page. Signed in: the shell (status bar, nav, the current view). */
import { lazy, Suspense, useEffect } from 'react';
import { AttentionDialog } from './components/AttentionDialog';
import { HelpDialog } from './components/HelpDialog';
import { Nav } from './components/Nav';
import { StatusBar } from './components/StatusBar';
import { Toasts } from './components/Toasts';
import { listenForDialLinks } from './phone/dial-links';
import { startPhone } from './phone/runtime';
import { startAgentState } from './agent-state/runtime';
import { PhoneDock } from './phone/views/PhoneDock';
import { useGlobalShortcuts } from './shortcuts';
import { startLive } from './stores/live';
import { useIsSupervisor, useSession } from './stores/session';
import { useUi } from './stores/ui';
import { CallsView } from './views/calls/CallsView';
import { LogCallDialog } from './views/calls/LogCallDialog';
import { PatientsView } from './views/patients/PatientsView';
import { ShiftsView } from './schedules/ShiftsView';
import { SignIn } from './views/SignIn';
import { NewTaskDialog } from './views/tasks/NewTaskDialog';
import { TasksView } from './views/tasks/TasksView';

// Only supervisors ever open it, so agents never download it.
const TeamView = lazy(() => import('./views/team/TeamView').then((m) => ({ default: m.TeamView })));

const RotaView = lazy(() => import('./schedules/RotaView').then((m) => ({ default: m.RotaView })));

const WallboardView = lazy(() => import('./agent-state/WallboardView').then((m) => ({ default: m.WallboardView })));

function CurrentView() {
  const view = useUi((s) => s.view);
  const supervisor = useIsSupervisor();
  switch (view) {
    case 'patients':
      return <PatientsView />;
    case 'tasks':
      return <TasksView />;
    case 'shifts':
      return <ShiftsView />;
    case 'rota':
      return supervisor ? (
        <Suspense fallback={<p className="empty">Loading…</p>}>
          <RotaView />
        </Suspense>
      ) : (
        <p className="empty">The rota is for supervisors.</p>
      );
    case 'team':
      return supervisor ? (
        <Suspense fallback={<p className="empty">Loading…</p>}>
          <TeamView />
        </Suspense>
      ) : (
        <p className="empty">The team board is for supervisors.</p>
      );
    case 'wallboard':
      return supervisor ? (
        <Suspense fallback={<p className="empty">Loading…</p>}>
          <WallboardView />
        </Suspense>
      ) : (
        <p className="empty">The wallboard is for supervisors.</p>
      );
    default:
      return <CallsView />;
  }
}

function CurrentDialog() {
  const dialog = useUi((s) => s.dialog);
  switch (dialog) {
    case 'help':
      return <HelpDialog />;
    case 'logCall':
      return <LogCallDialog />;
    case 'newTask':
      return <NewTaskDialog />;
    case 'attention':
      return <AttentionDialog />;
    default:
      return null;
  }
}

function Shell() {
  const userId = useSession((s) => s.session?.user.id);
  useEffect(() => (userId ? startLive() : undefined), [userId]);
  useEffect(() => (userId ? startPhone() : undefined), [userId]);
  useEffect(() => (userId ? startAgentState() : undefined), [userId]);
  useGlobalShortcuts(true);
  return (
    <div className="shell">
      <StatusBar />
      <Nav />
      <main className="content" id="content">
        <CurrentView />
      </main>
      <CurrentDialog />
      <PhoneDock />
      <Toasts />
    </div>
  );
}

export function App({ defaultServer }: { defaultServer?: string }) {
  const phase = useSession((s) => s.phase);
  const restore = useSession((s) => s.restore);
  useEffect(() => {
    void restore();
  }, [restore]);
  // From the start, signed in or not: the tel: link that launched the app arrives early.
  useEffect(() => listenForDialLinks(), []);

  if (phase === 'starting') return <p className="empty boot">Starting…</p>;
  if (phase === 'signed_out') return <SignIn defaultServer={defaultServer} />;
  return <Shell />;
}
