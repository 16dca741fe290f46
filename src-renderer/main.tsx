/** Boot: pick the transport (Electron bridge or WebSocket), then render. */
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App, BootError } from './App';
import { pickTransport } from './transport/pick';
import './styles.css';

const container = document.getElementById('root');
if (!container) throw new Error('#root is missing from index.html');

const picked = pickTransport(window);

createRoot(container).render(<StrictMode>{picked.ok ? <App client={picked.client} /> : <BootError message={picked.error} />}</StrictMode>);
