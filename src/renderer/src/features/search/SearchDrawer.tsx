/** Search results, newest first, or a plain message; a result opens the case with its contacts. */
import { Drawer } from 'antd';
import { useEffect, useRef } from 'react';
import { useT } from '../../i18n';
import { IDS, focusById, moveAmongRows } from '../../ui/focus';
import { CaseRow } from '../cases/CaseRow';
import { useOpenCase } from '../cases/caseStore';
import { useSearch } from './searchStore';

/** long pasted queries stay searchable but would not fit a title */
const TITLE_CHARS = 40;

export function SearchDrawer() {
  const t = useT();
  const { open, query, view, close } = useSearch();
  const openCase = useOpenCase((s) => s.open);
  const listRef = useRef<HTMLUListElement>(null);

  const focusFirstResult = () => listRef.current?.querySelector<HTMLElement>('.case-row')?.focus();

  useEffect(() => {
    if (open && view.state === 'results') focusFirstResult();
  }, [open, view]);

  const shown = query.length > TITLE_CHARS ? `${query.slice(0, TITLE_CHARS)}…` : query;
  return (
    <Drawer
      open={open}
      onClose={close}
      afterOpenChange={(isOpen) => {
        if (!isOpen) focusById(IDS.search);
        // results that came before the opening animation ended lose focus to the drawer's own
        // panel when it ends: give it back to the first result, where Enter opens it
        else requestAnimationFrame(focusFirstResult);
      }}
      title={query.trim() ? t.search.title(shown) : t.search.titleEmpty}
      placement="right"
      size={640}
      destroyOnHidden
    >
      <section aria-label={t.search.results} aria-busy={view.state === 'loading'}>
        {view.state === 'loading' && <p className="search__message">{t.search.searching}</p>}
        {view.state === 'message' && (
          <p className="search__message" role="status">
            {view.message(t)}
          </p>
        )}
        {view.state === 'results' && (
          <>
            <p className="search__count" role="status">
              {t.search.count(view.results.length)}
              {view.note && ` · ${view.note(t)}`}
            </p>
            <ul ref={listRef} className="case-list" onKeyDown={moveAmongRows}>
              {view.results.map((c) => (
                <li key={c.id}>
                  <CaseRow item={c} onOpen={openCase} showCaller />
                </li>
              ))}
            </ul>
          </>
        )}
      </section>
    </Drawer>
  );
}
