// Light and dark themes: the system preference until the user picks one; the choice is kept in localStorage.
const KEY = 'enrich.theme';
const system = window.matchMedia('(prefers-color-scheme: dark)');

/** Apply the saved theme and wire the toggle button. */
export function initTheme() {
  const button = document.getElementById('theme-toggle');
  const current = () => localStorage.getItem(KEY) || (system.matches ? 'dark' : 'light');
  const apply = () => {
    const theme = current();
    document.documentElement.dataset.theme = theme;
    // One label, its state in aria-pressed: "Dark theme, pressed" reads true to a screen reader.
    button.setAttribute('aria-pressed', String(theme === 'dark'));
    button.textContent = 'Dark theme';
  };
  button.addEventListener('click', () => {
    localStorage.setItem(KEY, current() === 'dark' ? 'light' : 'dark');
    apply();
  });
  system.addEventListener('change', apply);
  apply();
}
