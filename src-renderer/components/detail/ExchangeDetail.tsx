/** One request: a title line, the actions, and one card per tab (STYLE #15). */
import type { ReactNode } from 'react';
import type { ExchangeView } from '../../model/exchange-view';
import { outcomeLabel } from '../../model/outcome';
import { useExchangeDetail } from '../../stores/details/hooks';
import { useDetailTab } from '../../stores/selection/hooks';
import { setDetailTab, type DetailTab } from '../../stores/selection/store';
import { EmptyState } from '../common/EmptyState';
import { StatusCode } from '../common/StatusCode';
import { Tabs, type TabSpec } from '../common/Tabs';
import { ActionsBar } from './ActionsBar';
import { EnvironCard } from './EnvironCard';
import { ErrorCard } from './ErrorCard';
import { LogsCard } from './LogsCard';
import { OverviewCard } from './OverviewCard';
import { RequestBodyCard } from './RequestBodyCard';
import { ResponseBodyCard } from './ResponseBodyCard';
import { StartResponseCard } from './StartResponseCard';

const CARDS: Record<DetailTab, (props: { view: ExchangeView }) => ReactNode> = {
  overview: OverviewCard,
  environ: EnvironCard,
  'start-response': StartResponseCard,
  'response-body': ResponseBodyCard,
  'request-body': RequestBodyCard,
  logs: LogsCard,
  error: ErrorCard,
};

export function ExchangeDetail({ id }: { id: number }) {
  const entry = useExchangeDetail(id);
  const tab = useDetailTab();
  if (!entry || entry.status === 'loading') return <EmptyState title={`Loading request #${id}…`} testId="detail-loading" />;
  if (entry.status === 'missing') {
    return <EmptyState title={`Request #${id} is no longer recorded`} testId="detail-missing">It was cleared, or evicted to make room for newer requests.</EmptyState>;
  }
  if (entry.status === 'error') return <EmptyState title={`Could not load request #${id}`} testId="detail-error">{entry.error}</EmptyState>;
  const { view } = entry;
  const Card = CARDS[tab];
  return (
    <div className="exchange-detail" data-testid="exchange-detail" data-id={view.id}>
      <div className="detail-head">
        <h2 className="detail-title">
          <span className="muted">#{view.id}</span> <span className="method">{view.method}</span> <span className="url">{view.url}</span>
        </h2>
        <div className="detail-outcome">
          <StatusCode status={view.status} outcome={view.outcome} /> <span className="muted">{outcomeLabel(view.outcome)}</span>
        </div>
      </div>
      <ActionsBar view={view} />
      <Tabs<DetailTab> label="Request detail" tabs={tabsFor(view)} active={tab} onChange={setDetailTab} />
      <div className="tab-panel" role="tabpanel" id={`panel-${tab}`} aria-labelledby={`tab-${tab}`} data-testid={`detail-panel-${tab}`}>
        <Card view={view} />
      </div>
    </div>
  );
}

function tabsFor(view: ExchangeView): TabSpec<DetailTab>[] {
  return [
    { id: 'overview', label: 'Overview', badge: view.findings.length > 0 ? `⚠ ${view.findings.length}` : undefined },
    { id: 'environ', label: 'Environ' },
    { id: 'start-response', label: 'start_response', badge: view.startResponse.length > 1 ? view.startResponse.length : undefined },
    { id: 'response-body', label: 'Response body', muted: view.responseSize === 0 },
    { id: 'request-body', label: 'Request body', muted: view.requestSize === 0 },
    { id: 'logs', label: 'Logs', badge: view.logs.length || undefined, muted: view.logs.length === 0 },
    { id: 'error', label: 'Error', badge: view.error ? '●' : undefined, muted: !view.error },
  ];
}
