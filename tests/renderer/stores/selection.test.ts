import { describe, expect, it } from 'vitest';
import { cancelDiff, selectExchange, startDiff, useSelectionStore } from '@renderer/stores/selection/store';
import { clearFilters, setFilterText, toggleStatusClass, useFiltersStore } from '@renderer/stores/filters/store';
import { useStoreReset } from '../support/setup';

useStoreReset();

describe('selection', () => {
  it('completes a diff with the next request picked', () => {
    selectExchange(4);
    startDiff(4);
    selectExchange(4); // the same one does not count
    expect(useSelectionStore.getState().diff).toEqual({ leftId: 4, rightId: null });
    selectExchange(9);
    expect(useSelectionStore.getState()).toMatchObject({ diff: { leftId: 4, rightId: 9 }, mode: 'diff', selectedId: 4 });
    cancelDiff();
    expect(useSelectionStore.getState()).toMatchObject({ diff: null, mode: 'exchange' });
  });
});

describe('filters', () => {
  it('makes a new filter object per change and clears back to empty', () => {
    const first = useFiltersStore.getState();
    setFilterText('abc');
    toggleStatusClass('4xx');
    toggleStatusClass('5xx');
    toggleStatusClass('4xx');
    expect(useFiltersStore.getState()).not.toBe(first);
    expect(useFiltersStore.getState()).toMatchObject({ text: 'abc', statusClasses: ['5xx'] });
    clearFilters();
    expect(useFiltersStore.getState()).toMatchObject({ text: '', statusClasses: [], method: '', workerPid: null, errorsOnly: false });
  });
});
