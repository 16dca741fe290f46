/**
 * Keyboard for the list: up/down move the selection, "/" focuses the filter, Esc cancels a
 * diff pick, else clears the filter text, else the selection.
 */
import { useEffect } from 'react';
import type { ExchangeSummary } from '@contract';
import { clearFilters } from '../../stores/filters/store';
import { useFiltersStore } from '../../stores/filters/store';
import { cancelDiff, selectExchange, useSelectionStore } from '../../stores/selection/store';

export const FILTER_INPUT_ID = 'request-filter';

function isTyping(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  if (target.id === FILTER_INPUT_ID) return false;
  return target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName);
}

export function useListKeyboard(rows: readonly ExchangeSummary[], scrollToIndex: (index: number) => void): void {
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.altKey || event.ctrlKey || event.metaKey) return;
      const filterInput = document.getElementById(FILTER_INPUT_ID);
      if (event.key === '/' && !isTyping(event.target) && event.target !== filterInput) {
        event.preventDefault();
        filterInput?.focus();
        return;
      }
      if (event.key === 'Escape') {
        handleEscape(event, filterInput);
        return;
      }
      if ((event.key === 'ArrowDown' || event.key === 'ArrowUp') && !isTyping(event.target)) {
        if (rows.length === 0) return;
        event.preventDefault();
        const { selectedId } = useSelectionStore.getState();
        const current = selectedId === null ? -1 : rows.findIndex((r) => r.id === selectedId);
        const next =
          event.key === 'ArrowDown'
            ? Math.min(rows.length - 1, current + 1)
            : current < 0
              ? rows.length - 1
              : Math.max(0, current - 1);
        selectExchange(rows[next].id);
        scrollToIndex(next);
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [rows, scrollToIndex]);
}

function handleEscape(event: KeyboardEvent, filterInput: HTMLElement | null): void {
  if (isTyping(event.target)) return;
  const { diff, selectedId } = useSelectionStore.getState();
  if (diff && diff.rightId === null) {
    cancelDiff();
    return;
  }
  const filter = useFiltersStore.getState();
  if (filter.text !== '' || event.target === filterInput) {
    clearFilters();
    filterInput?.blur();
    return;
  }
  if (selectedId !== null) selectExchange(null);
}
