/**
 * A virtualised list (TanStack Virtual): only the rows in view (plus a few) are in the DOM,
 * so 10,000 tasks render and scroll like 30. Rows are fixed-height, which keeps scrolling exact.
 */
import { useVirtualizer } from '@tanstack/react-virtual';
import { type ReactNode, useCallback, useEffect, useRef } from 'react';

interface Props {
  ids: readonly string[];
  rowHeight: number;
  label: string;
  renderRow: (id: string, index: number) => ReactNode;
  /** kept in view when it changes (keyboard navigation) */
  activeId?: string | null;
  empty?: ReactNode;
  header?: ReactNode;
}

export function VirtualList({ ids, rowHeight, label, renderRow, activeId, empty, header }: Props) {
  const scroller = useRef<HTMLDivElement>(null);
  // Stable callbacks: TanStack Virtual recomputes every row's offset when these change identity,
  // which on a 10,000-row list would cost a full pass on every scroll frame.
  const getItemKey = useCallback((index: number) => ids[index]!, [ids]);
  const estimateSize = useCallback(() => rowHeight, [rowHeight]);
  const getScrollElement = useCallback(() => scroller.current, []);
  const virtualizer = useVirtualizer({ count: ids.length, getScrollElement, estimateSize, overscan: 8, getItemKey });

  useEffect(() => {
    if (!activeId) return;
    const index = ids.indexOf(activeId);
    if (index >= 0) virtualizer.scrollToIndex(index, { align: 'auto' });
  }, [activeId, ids, virtualizer]);

  return (
    <div className="vlist" ref={scroller} role="list" aria-label={label} tabIndex={-1}>
      {header}
      {ids.length === 0 ? (
        empty
      ) : (
        <div className="vlist-inner" style={{ height: virtualizer.getTotalSize() }}>
          {virtualizer.getVirtualItems().map((item) => (
            <div
              key={item.key}
              className="vlist-row"
              role="listitem"
              aria-setsize={ids.length}
              aria-posinset={item.index + 1}
              style={{ height: rowHeight, transform: `translateY(${item.start}px)` }}
            >
              {renderRow(ids[item.index]!, item.index)}
            </div>
          ))}
        </div>
      )}
    </div>
  );
}
