/** The short messages in a corner: copied, failed commands. */
import { dismissNotice } from '../../stores/notices/store';
import { useNotices } from '../../stores/notices/hooks';

export function Notices() {
  const notices = useNotices();
  if (notices.length === 0) return null;
  return (
    <div className="notices" role="status" aria-live="polite">
      {notices.map((notice) => (
        <div key={notice.id} className={`notice notice-${notice.kind}`} data-testid="notice">
          <span>{notice.text}</span>
          <button type="button" aria-label="Dismiss" onClick={() => dismissNotice(notice.id)}>
            ×
          </button>
        </div>
      ))}
    </div>
  );
}
