/** "app.py", "app.py and models.py", "app.py, models.py, views.py and 497 more": for log lines. */
export function describeChanges(changedFiles: readonly string[], shown = 3): string {
  if (changedFiles.length === 0) return 'nothing';
  if (changedFiles.length === 1) return changedFiles[0];
  if (changedFiles.length <= shown) return `${changedFiles.slice(0, -1).join(', ')} and ${changedFiles[changedFiles.length - 1]}`;
  return `${changedFiles.slice(0, shown).join(', ')} and ${changedFiles.length - shown} more`;
}
