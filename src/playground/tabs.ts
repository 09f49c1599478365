/**
 * A WAI-ARIA tablist: click or Enter/Space selects a tab; ←/→ (and Home/End) move between tabs and select
 * them; only the selected tab is in the Tab order (roving tabindex), so the keyboard reaches the panel next.
 */
export function initTabs(list: HTMLElement, onSelect?: (panelId: string) => void): void {
  const tabs = Array.from(list.querySelectorAll<HTMLElement>('[role=tab]'));
  const select = (tab: HTMLElement, focus: boolean) => {
    for (const t of tabs) {
      const on = t === tab;
      t.setAttribute('aria-selected', String(on));
      t.tabIndex = on ? 0 : -1;
      document.getElementById(t.getAttribute('aria-controls')!)!.hidden = !on;
    }
    if (focus) tab.focus();
    onSelect?.(tab.getAttribute('aria-controls')!);
  };
  for (const t of tabs) t.addEventListener('click', () => select(t, false));
  list.addEventListener('keydown', (e) => {
    const i = tabs.indexOf(document.activeElement as HTMLElement);
    if (i < 0) return;
    const to = e.key === 'ArrowRight' ? (i + 1) % tabs.length : e.key === 'ArrowLeft' ? (i - 1 + tabs.length) % tabs.length
      : e.key === 'Home' ? 0 : e.key === 'End' ? tabs.length - 1 : -1;
    if (to < 0) return;
    e.preventDefault();
    select(tabs[to], true);
  });
}
