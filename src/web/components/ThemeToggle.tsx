import { setTheme, useTheme } from '../stores/theme.store';
import './ThemeToggle.css';

/**
 * A toggle button: pressed means the dark theme is in effect. The first press
 * stores an explicit choice that overrides the system setting from then on.
 */
export function ThemeToggle() {
  const dark = useTheme() === 'dark';
  return (
    <button
      type="button"
      className="btn btn--ghost theme-toggle"
      aria-pressed={dark}
      onClick={() => {
        setTheme(dark ? 'light' : 'dark');
      }}
    >
      <svg className="theme-toggle__icon" viewBox="0 0 24 24" aria-hidden="true" focusable="false">
        <path d="M20 14.5A8 8 0 0 1 9.5 4a8 8 0 1 0 10.5 10.5Z" />
      </svg>
      <span className="theme-toggle__text">Dark theme</span>
    </button>
  );
}
