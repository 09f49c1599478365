/** The page's element with this id, typed as the caller expects (index.html defines every id the scripts use). */
export const el = <T extends HTMLElement>(id: string): T => document.getElementById(id) as T;
