/** Resets every store: between tests, and when the session ends. */
import { resetDetailsStore } from './details/store';
import { resetExchangesStore } from './exchanges/store';
import { resetFiltersStore } from './filters/store';
import { resetNoticesStore } from './notices/store';
import { resetSelectionStore } from './selection/store';
import { resetServerStore } from './server/store';
import { resetWorkersStore } from './workers/store';

export function resetAllStores(): void {
  resetServerStore();
  resetWorkersStore();
  resetExchangesStore();
  resetDetailsStore();
  resetSelectionStore();
  resetFiltersStore();
  resetNoticesStore();
}
