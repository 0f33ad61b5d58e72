import { useSyncExternalStore } from 'react';

/** A theme the user picked explicitly; without one the system setting applies. */
export type Theme = 'light' | 'dark';

const STORAGE_KEY = 'codegenie.theme';
const DARK_QUERY = '(prefers-color-scheme: dark)';
const listeners = new Set<() => void>();

/** The stored choice, or `null` to follow the system. Storage can be disabled: treat that as no choice. */
export function readStoredTheme(): Theme | null {
  try {
    const value = localStorage.getItem(STORAGE_KEY);
    return value === 'light' || value === 'dark' ? value : null;
  } catch {
    return null;
  }
}

/**
 * Puts the stored choice on `<html data-theme>`, which the CSS custom
 * properties key on. main.tsx calls it before the first render so the page
 * never flashes the wrong theme; an inline script in index.html would do it
 * earlier but the CSP (`script-src 'self'`) forbids inline scripts.
 */
export function applyStoredTheme(): void {
  const theme = readStoredTheme();
  if (theme) {
    document.documentElement.dataset['theme'] = theme;
  } else {
    delete document.documentElement.dataset['theme'];
  }
}

/** Stores and applies an explicit choice, overriding the system setting from now on. */
export function setTheme(theme: Theme): void {
  try {
    localStorage.setItem(STORAGE_KEY, theme);
  } catch {
    // Storage disabled: the choice still applies until the page is reloaded.
  }
  document.documentElement.dataset['theme'] = theme;
  notify();
}

function notify(): void {
  for (const listener of listeners) {
    listener();
  }
}

function systemTheme(): Theme {
  return window.matchMedia(DARK_QUERY).matches ? 'dark' : 'light';
}

/** The theme in effect: the explicit choice on `<html>`, else the system's. */
function effectiveTheme(): Theme {
  const chosen = document.documentElement.dataset['theme'];
  return chosen === 'light' || chosen === 'dark' ? chosen : systemTheme();
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  const media = window.matchMedia(DARK_QUERY);
  const onStorage = (event: StorageEvent) => {
    // Another tab changed the choice: follow it.
    if (event.key === STORAGE_KEY) {
      applyStoredTheme();
      listener();
    }
  };
  media.addEventListener('change', listener);
  window.addEventListener('storage', onStorage);
  return () => {
    listeners.delete(listener);
    media.removeEventListener('change', listener);
    window.removeEventListener('storage', onStorage);
  };
}

/** The theme in effect, updated when the user, another tab or the system changes it. */
export function useTheme(): Theme {
  return useSyncExternalStore(subscribe, effectiveTheme);
}
