/** What an empty area says: what is missing and what to do next. */
import type { ReactNode } from 'react';

export function EmptyState(props: { title: string; children?: ReactNode; testId?: string }) {
  return (
    <div className="empty-state" data-testid={props.testId}>
      <p className="empty-title">{props.title}</p>
      {props.children && <div className="empty-body">{props.children}</div>}
    </div>
  );
}
