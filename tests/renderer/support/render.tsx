/** Renders the whole app on a fake client and waits for the first snapshot. */
import { render, screen } from '@testing-library/react';
import { App } from '@renderer/App';
import { createFakeClient, type FakeClient } from './fake-client';
import { microtaskScheduler } from './setup';

export async function renderApp(client: FakeClient = createFakeClient()) {
  const utils = render(<App client={client} schedule={microtaskScheduler} />);
  await screen.findByTestId('workers-panel');
  return { client, ...utils };
}
