/** Pure reads of the filters store. */
import { isFilterActive } from '../../model/filters';
import type { FiltersState } from './store';

/** The store state is the RowFilter itself. */
export const selectFilter = (s: FiltersState) => s;
export const selectFilterActive = (s: FiltersState) => isFilterActive(s);
export const selectFilterText = (s: FiltersState) => s.text;
