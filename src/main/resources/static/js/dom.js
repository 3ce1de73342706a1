// Small DOM and formatting helpers shared by the page's modules.

/** Create an element: h('p', {class: 'x', 'data-id': 1}, 'text', child). Never parses HTML. */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === false || value == null) continue;
    el.setAttribute(name, value === true ? '' : String(value));
  }
  for (const child of children.flat(Infinity)) {
    if (child != null && child !== false) el.append(child instanceof Node ? child : String(child));
  }
  return el;
}

/** Build a progress bar (role=progressbar, 0-100) whose fill width follows the CSS variable --value. */
export function progressBar(label) {
  const bar = h('div', {class: 'bar', role: 'progressbar', 'aria-label': label,
    'aria-valuemin': 0, 'aria-valuemax': 100, 'aria-valuenow': 0}, h('div', {class: 'fill'}));
  return bar;
}

/**
 * Set a progress bar to a fraction 0..1 and return the whole percentage shown. Screen readers read the percentage
 * and `text` after it, e.g. "45%, ~3 minutes remaining".
 */
export function setProgress(bar, fraction, text) {
  const pct = Math.max(0, Math.min(100, Math.floor((fraction || 0) * 100)));
  bar.setAttribute('aria-valuenow', pct);
  bar.setAttribute('aria-valuetext', text ? `${pct}%, ${text}` : pct + '%');
  bar.style.setProperty('--value', pct + '%');
  return pct;
}

/** Format seconds as m:ss or h:mm:ss. */
export function clock(seconds) {
  const s = Math.max(0, Math.floor(seconds));
  const hh = Math.floor(s / 3600);
  const mm = Math.floor((s % 3600) / 60);
  const ss = String(s % 60).padStart(2, '0');
  return hh ? `${hh}:${String(mm).padStart(2, '0')}:${ss}` : `${mm}:${ss}`;
}

/** Describe an ETA like the server does: "Almost done", "~40 seconds remaining", "~3 minutes remaining". */
export function etaText(seconds) {
  if (seconds == null) return 'Estimating time…';
  if (seconds < 10) return 'Almost done';
  const rounded = Math.round(seconds / 5) * 5;
  if (seconds < 60 && rounded < 60) return `~${rounded} seconds remaining`;
  const minutes = Math.max(1, Math.round(seconds / 60));
  if (minutes < 60) return `~${minutes} minute${minutes === 1 ? '' : 's'} remaining`;
  const hours = Math.round(seconds / 3600);
  return `~${hours} hour${hours === 1 ? '' : 's'} remaining`;
}

/**
 * Announce a short status text to screen readers through the page's one polite live region. Callers announce
 * changes a person wants to hear (a stage started or ended, a job finished), never progress ticks.
 */
export function announce(text) {
  const region = document.getElementById('status');
  region.textContent = text;
}
