/** Short messages: "Copied", a failed command. Each goes away by itself. */
import { create } from 'zustand';

export interface Notice {
  id: number;
  kind: 'info' | 'error';
  text: string;
}

export interface NoticesState {
  notices: Notice[];
}

export const useNoticesStore = create<NoticesState>()(() => ({ notices: [] }));

let nextId = 1;
const NOTICE_MS = { info: 2500, error: 8000 };

export function notify(kind: Notice['kind'], text: string): void {
  const notice = { id: nextId++, kind, text };
  useNoticesStore.setState((s) => ({ notices: [...s.notices.slice(-4), notice] }));
  setTimeout(() => dismissNotice(notice.id), NOTICE_MS[kind]);
}

export function dismissNotice(id: number): void {
  useNoticesStore.setState((s) => ({ notices: s.notices.filter((n) => n.id !== id) }));
}

export function resetNoticesStore(): void {
  useNoticesStore.setState({ notices: [] }, true);
}
