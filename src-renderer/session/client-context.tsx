/** The session's client, for components that run commands. */
import { createContext, useContext, type ReactNode } from 'react';
import type { InspectorClient } from '@contract';

const ClientContext = createContext<InspectorClient | null>(null);

export function ClientProvider({ client, children }: { client: InspectorClient; children: ReactNode }) {
  return <ClientContext.Provider value={client}>{children}</ClientContext.Provider>;
}

export function useClient(): InspectorClient {
  const client = useContext(ClientContext);
  if (!client) throw new Error('useClient needs a <ClientProvider>');
  return client;
}
