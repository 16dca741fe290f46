/** The session's client, for components that run commands. */
import { createContext, useContext, type ReactNode } from 'react';
import type { DesktopApi } from '@contract';
import type { RendererClient } from '../transport/types';

const ClientContext = createContext<RendererClient | null>(null);

export function ClientProvider({ client, children }: { client: RendererClient; children: ReactNode }) {
  return <ClientContext.Provider value={client}>{children}</ClientContext.Provider>;
}

export function useClient(): RendererClient {
  const client = useContext(ClientContext);
  if (!client) throw new Error('useClient needs a <ClientProvider>');
  return client;
}

/** The desktop shell's extras, or null in a browser. */
export function useDesktop(): DesktopApi | null {
  return useClient().desktop ?? null;
}
