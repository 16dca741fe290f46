/** A row of tabs (ARIA tablist); the panel is the caller's. */
import type { ReactNode } from 'react';

export interface TabSpec<T extends string> {
  id: T;
  label: ReactNode;
  /** A count or dot shown after the label. */
  badge?: ReactNode;
  /** Dimmed (nothing to show), still clickable. */
  muted?: boolean;
}

export function Tabs<T extends string>(props: { tabs: TabSpec<T>[]; active: T; onChange: (id: T) => void; label: string }) {
  return (
    <div className="tabs" role="tablist" aria-label={props.label}>
      {props.tabs.map((tab) => (
        <button
          key={tab.id}
          type="button"
          role="tab"
          id={`tab-${tab.id}`}
          aria-selected={tab.id === props.active}
          aria-controls={`panel-${tab.id}`}
          className={`tab${tab.id === props.active ? ' active' : ''}${tab.muted ? ' muted' : ''}`}
          data-testid={`detail-tab-${tab.id}`}
          onClick={() => props.onChange(tab.id)}
        >
          {tab.label}
          {tab.badge !== undefined && tab.badge !== null && <span className="tab-badge">{tab.badge}</span>}
        </button>
      ))}
    </div>
  );
}
