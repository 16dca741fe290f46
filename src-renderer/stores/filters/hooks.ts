/** React hooks over the filters store. */
import { useFiltersStore } from './store';
import * as sel from './selectors';

export const useFilter = () => useFiltersStore(sel.selectFilter);
export const useFilterActive = () => useFiltersStore(sel.selectFilterActive);
export const useFilterText = () => useFiltersStore(sel.selectFilterText);
