/** The request list's filter. Each change makes a new filter object (memo key downstream). */
import { create } from 'zustand';
import { EMPTY_FILTER, type RowFilter, type StatusClass } from '../../model/filters';

export type FiltersState = RowFilter;

export const useFiltersStore = create<FiltersState>()(() => ({ ...EMPTY_FILTER }));

export function setFilterText(text: string): void {
  useFiltersStore.setState({ text });
}

export function setFilterMethod(method: string): void {
  useFiltersStore.setState({ method });
}

export function toggleStatusClass(statusClass: StatusClass): void {
  const current = useFiltersStore.getState().statusClasses;
  useFiltersStore.setState({
    statusClasses: current.includes(statusClass) ? current.filter((c) => c !== statusClass) : [...current, statusClass],
  });
}

export function setFilterWorker(workerPid: number | null): void {
  useFiltersStore.setState({ workerPid });
}

export function setErrorsOnly(errorsOnly: boolean): void {
  useFiltersStore.setState({ errorsOnly });
}

export function clearFilters(): void {
  useFiltersStore.setState({ ...EMPTY_FILTER }, true);
}

export const resetFiltersStore = clearFilters;
