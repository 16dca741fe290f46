/**
 * The inspector's root: starts the session on the client it is given (main.tsx picks the
 * transport) and lays out header, banners, workers, requests and details.
 */
import { useEffect } from 'react';
import { FailureBanner } from './components/header/FailureBanner';
import { Header } from './components/header/Header';
import { Notices } from './components/common/Notices';
import { DetailPane } from './components/detail/DetailPane';
import { RequestsPanel } from './components/requests/RequestsPanel';
import { StartScreen } from './components/start/StartScreen';
import { WorkersPanel } from './components/workers/WorkersPanel';
import { ClientProvider, useDesktop } from './session/client-context';
import type { Scheduler } from './session/ingest';
import { startSession } from './session/session';
import { useConnection, useHydrated, useShowStartScreen, useSnapshotError } from './stores/server/hooks';
import type { RendererClient } from './transport/types';

export function App({ client, schedule }: { client: RendererClient; schedule?: Scheduler }) {
  useEffect(() => {
    const session = startSession(client, { schedule });
    return () => session.stop();
  }, [client, schedule]);
  return (
    <ClientProvider client={client}>
      <Shell />
    </ClientProvider>
  );
}

function Shell() {
  const hydrated = useHydrated();
  const desktop = useDesktop();
  const snapshotError = useSnapshotError();
  // The desktop shell with no project open answers commands with an error: offer to open one.
  const showStart = useShowStartScreen() || (desktop !== null && snapshotError !== null);
  return (
    <div className="app">
      <Header />
      {showStart ? <StartScreen /> : !hydrated ? <Connecting /> : <Inspector />}
      <Notices />
    </div>
  );
}

function Inspector() {
  return (
    <>
      <FailureBanner />
      <main className="inspector">
        <WorkersPanel />
        <div className="split">
          <RequestsPanel />
          <DetailPane />
        </div>
      </main>
    </>
  );
}

function Connecting() {
  const connection = useConnection();
  const error = useSnapshotError();
  return (
    <main className="connecting" data-testid="connecting">
      <p>{error ? `Could not load the server's state: ${error}` : connection.state === 'open' ? 'Loading…' : 'Connecting to forkwatch…'}</p>
      {connection.detail && <p className="muted">{connection.detail}</p>}
    </main>
  );
}

/** Shown instead of the app when no transport fits (a browser page opened without its token). */
export function BootError({ message }: { message: string }) {
  return (
    <main className="connecting" data-testid="boot-error">
      <h1>Forkwatch</h1>
      <p>{message}</p>
    </main>
  );
}
