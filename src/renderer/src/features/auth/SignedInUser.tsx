/**
 * The header's "who is working here": workstation and operator, and with a central server the
 * signed-in account (display name and username), 离线登录 while the server has not accepted the
 * session yet, and 退出登录. Logging out needs no confirmation: the intake draft is autosaved
 * and comes back at the next sign-in, and cases not yet sent still go out (src/main/sync/auth.ts).
 */
import { Button, Tag } from 'antd';
import { useT } from '../../i18n';
import { tagTextStyle } from '../../ui/tagColours';
import { useReference } from '../../state/reference';
import { useLocked } from '../../state/settings';
import { LockedNote } from '../../ui/LockedNote';
import { useSession } from '../../state/session';
import { useStatus } from '../../state/status';
import { useOpenCase } from '../cases/caseStore';
import { useHistory } from '../history/historyStore';
import { flushIntakeDraft } from '../intake/draft';
import { useSearch } from '../search/searchStore';
import { useRejections } from '../sync/RejectionsDialog';

/** The next operator starts on a clean screen: nothing of the last one's lookups stays open. */
function clearWorkspace(): void {
  useSearch.getState().close();
  useOpenCase.getState().close();
  useRejections.getState().setOpen(false);
  useHistory.getState().lookup('');
}

export function SignedInUser() {
  const t = useT();
  const info = useReference((s) => s.info);
  const session = useSession((s) => s.session);
  const logout = useSession((s) => s.logout);
  const user = session?.user ?? null;
  const codeLocked = useLocked('workstation');
  const lock = codeLocked ? <LockedNote id="workstation-locked" /> : null;

  if (!session?.loginRequired) {
    return info ? (
      <span className="topbar__who">
        {t.app.workstation} {info.workstation} {lock} · {t.app.operator} {info.operator}
      </span>
    ) : null;
  }
  return (
    <span className="topbar__who">
      {info && (
        <span>
          {t.app.workstation} {info.workstation} {lock} ·{' '}
        </span>
      )}
      {user && (
        <span className="topbar__user">
          {t.app.operator} {t.auth.user(user.displayName, user.username)}
        </span>
      )}
      {user?.mode === 'offline' && (
        <Tag color="orange" className="topbar__offline" title={t.auth.offlineTagHint} style={tagTextStyle('orange')}>
          {t.auth.offlineTag}
        </Tag>
      )}
      <Button
        size="small"
        ghost
        onClick={() => {
          // the last keystrokes go to this account's draft before the session ends
          flushIntakeDraft();
          void logout().then((ok) => {
            if (!ok) return;
            clearWorkspace();
            useStatus.getState().show('info', (m) => m.auth.loggedOut);
          });
        }}
      >
        {t.auth.logout}
      </Button>
    </span>
  );
}
