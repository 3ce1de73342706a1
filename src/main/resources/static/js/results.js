// A session's results: audio stats and speech timeline, chapters, transcript, summary, action items, canvas.
import {h, clock} from './dom.js';
import {call, getJson, blobUrl} from './api.js';

/** Load and render the latest results of a session into `container`. */
export async function renderResults(container, sessionId) {
  const {results} = await getJson(`/api/v1/sessions/${encodeURIComponent(sessionId)}/enrichment`);
  const sections = [];
  const audio = results.audio;
  const video = results.video;
  const summary = results.summary;
  const canvas = results.canvas;
  if (audio) sections.push(audioSection(audio));
  if (video) sections.push(chaptersSection(video, sessionId));
  if (summary) sections.push(summarySection(summary));
  if (canvas) sections.push(canvasSection(canvas, sessionId));
  container.replaceChildren(...sections);
}

function outcome(result, what) {
  if (result.state === 'succeeded') return null;
  const lead = result.state === 'degraded' ? `${what}: a lesser result was used.` : `${what}: nothing to show.`;
  return h('p', {class: `outcome outcome-${result.state}`}, result.message || lead);
}

function audioSection(result) {
  const d = result.data || {};
  const section = h('section', {class: 'result result-audio'}, h('h4', {}, 'Audio'), outcome(result, 'Audio'));
  if (d.durationSeconds == null) return section;
  const stats = [
    ['Length', clock(d.durationSeconds)],
    ['Format', `${d.sampleRate} Hz, ${d.bitsPerSample}-bit, ${d.channels === 1 ? 'mono' : d.channels + ' channels'}`],
    ['Speech', `${Math.round((d.speechRatio || 0) * 100)}% of the time`],
    ['Longest pause', `${(d.longestPauseSeconds || 0).toFixed(1)} s`],
    ['Level', `${d.rmsDbfs} dBFS average, ${d.peakDbfs} dBFS peak`],
    ['Clipping', `${((d.clippingRatio || 0) * 100).toFixed(2)}% of samples`],
  ];
  section.append(h('dl', {class: 'stats'}, stats.map(([k, v]) => [h('dt', {}, k), h('dd', {}, v)])));
  section.append(speechTimeline(d.segments || [], d.durationSeconds));
  if ((d.loudness || []).length > 1) section.append(loudnessCurve(d.loudness, d.loudnessStepSeconds || 1));
  const transcript = (d.transcript || []).filter(cue => cue.text);
  if (transcript.length) {
    section.append(h('h5', {}, 'Transcript'), h('ol', {class: 'transcript'}, transcript.map(cue =>
      h('li', {}, cue.start != null ? h('span', {class: 'cue-time'}, clock(cue.start)) : null, cue.text))));
  }
  return section;
}

function speechTimeline(segments, duration) {
  const track = h('div', {class: 'timeline', role: 'img',
    'aria-label': `Speech activity: ${segments.length} stretch${segments.length === 1 ? '' : 'es'} of speech`});
  for (const segment of segments) {
    const span = h('span', {class: 'speech', title: `${clock(segment.start)}–${clock(segment.end)}`});
    span.style.setProperty('--start', `${(segment.start / duration) * 100}%`);
    span.style.setProperty('--width', `${((segment.end - segment.start) / duration) * 100}%`);
    track.append(span);
  }
  return h('div', {class: 'timeline-wrap'}, h('h5', {}, 'Speech activity'), track,
    h('p', {class: 'timeline-scale'}, h('span', {}, '0:00'), h('span', {}, clock(duration))));
}

const SVG = 'http://www.w3.org/2000/svg';
const QUIET_DBFS = -60;

function svg(tag, attrs) {
  const el = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attrs)) el.setAttribute(name, String(value));
  return el;
}

/** Loudness per second (RMS dBFS) as a small line chart: louder is higher, -60 dBFS and below sit at the bottom. */
function loudnessCurve(points, step) {
  const height = -QUIET_DBFS;
  const y = db => Math.min(height, Math.max(0, -db)).toFixed(1);
  // Each point sits in the middle of its second, so the curve lines up with the speech activity above.
  const line = points.map((db, i) => `${i + 0.5},${y(db)}`).join(' ');
  const chart = svg('svg', {class: 'loudness', viewBox: `0 0 ${points.length} ${height}`,
    preserveAspectRatio: 'none', role: 'img', focusable: 'false',
    'aria-label': `Loudness per ${step === 1 ? 'second' : step + ' seconds'}: ${Math.min(...points)} to `
      + `${Math.max(...points)} dBFS`});
  chart.append(svg('polyline', {class: 'loudness-line', points: line}));
  return h('div', {class: 'timeline-wrap'}, h('h5', {}, 'Loudness'), chart,
    h('p', {class: 'timeline-scale'}, h('span', {}, '0:00'), h('span', {}, clock(points.length * step))));
}

function chaptersSection(result, sessionId) {
  const chapters = (result.data && result.data.chapters) || [];
  const section = h('section', {class: 'result result-video'}, h('h4', {}, 'Chapters'), outcome(result, 'Video'));
  if (!chapters.length) return section;
  const list = h('ol', {class: 'chapters'});
  for (const chapter of chapters) {
    const img = h('img', {alt: `Key frame of chapter ${chapter.index + 1}`, width: 160, height: 90});
    list.append(h('li', {}, img, h('span', {}, `${clock(chapter.start)}–${clock(chapter.end)}`),
      chapter.caption ? h('span', {class: 'caption'}, chapter.caption) : null));
    // <img src> cannot send the API key: fetch it and show a blob: URL.
    const path = `/api/v1/sessions/${encodeURIComponent(sessionId)}/thumbnails/${chapter.index}`;
    blobUrl(path).then(url => { img.src = url; }).catch(() => { img.alt = 'Key frame unavailable'; });
  }
  section.append(list);
  return section;
}

function summarySection(result) {
  const d = result.data || {};
  const basic = result.state === 'degraded';
  const section = h('section', {class: 'result result-summary'},
    h('h4', {}, basic ? 'Summary (basic summary)' : 'Summary'), outcome(result, 'Summary'));
  if (d.summary) section.append(h('p', {class: 'summary-text'}, d.summary));
  if ((d.actionItems || []).length) {
    section.append(h('h5', {}, 'Action items'), h('ul', {class: 'action-items'}, d.actionItems.map(item =>
      h('li', {}, item))));
  }
  if ((d.keywords || []).length) {
    section.append(h('ul', {class: 'keywords', 'aria-label': 'Keywords'}, d.keywords.map(k => h('li', {}, k))));
  }
  return section;
}

function canvasSection(result, sessionId) {
  const section = h('section', {class: 'result result-canvas'}, h('h4', {}, 'Canvas'), outcome(result, 'Canvas'));
  if (result.state !== 'succeeded' && result.state !== 'degraded') return section;
  const host = h('div', {class: 'canvas-host'});
  const download = h('a', {class: 'button', download: 'canvas.html', hidden: true}, 'Download canvas');
  section.append(h('div', {class: 'canvas-actions'}, download), host);
  showCanvas(host, download, sessionId).catch(e => host.replaceChildren(h('p', {class: 'error'}, e.message)));
  return section;
}

/**
 * Show the canvas page inside a shadow root. A blob: iframe would inherit this page's CSP, which blocks the
 * canvas's inline <style>; a constructed stylesheet is not inline markup, so it applies. Thumbnails become blob:
 * URLs fetched with the API key.
 */
async function showCanvas(host, download, sessionId) {
  const base = `/api/v1/sessions/${encodeURIComponent(sessionId)}`;
  const html = await (await call(base + '/canvas')).text();
  download.href = URL.createObjectURL(new Blob([html], {type: 'text/html'}));
  download.hidden = false;
  // Take the <style> text out before parsing: an inline <style>, even in an inert document, breaks the CSP.
  const styles = /<style[^>]*>([\s\S]*?)<\/style>/gi;
  const css = [...html.matchAll(styles)].map(match => match[1]).join('\n');
  const doc = new DOMParser().parseFromString(html.replace(styles, ''), 'text/html');
  const sheet = new CSSStyleSheet();
  // The page's rules for :root, html and body apply to the shadow host and its wrapper instead.
  sheet.replaceSync(css.replace(/:root/g, ':host')
    .replace(/(^|[}\s,])(?:html|body)(?=\s*[{,])/g, (match, before) => before + '.canvas-page')
    .replace(/(^|[}\s,])main(?=[\s{,])/g, (match, before) => before + '.canvas-main'));
  const root = host.attachShadow({mode: 'open'});
  root.adoptedStyleSheets = [sheet];
  doc.querySelectorAll('script, iframe, object, embed, link, meta, style').forEach(el => el.remove());
  // No handlers or script URLs either, whatever the CSP would do with them.
  for (const el of doc.querySelectorAll('*')) {
    for (const attr of [...el.attributes]) {
      if (/^on/i.test(attr.name) || /^\s*javascript:/i.test(attr.value)) el.removeAttribute(attr.name);
    }
  }
  // The canvas is part of this page, not a page of its own: no second main landmark, and its headings sit below
  // the "Canvas" heading (h4) of the results.
  for (const main of doc.querySelectorAll('main')) {
    const div = doc.createElement('div');
    div.className = 'canvas-main';
    div.append(...main.childNodes);
    main.replaceWith(div);
  }
  for (const heading of doc.querySelectorAll('h1, h2, h3, h4, h5, h6')) {
    heading.setAttribute('aria-level', String(Math.min(6, Number(heading.tagName[1]) + 4)));
  }
  const page = h('div', {class: 'canvas-page'});
  page.append(...[...doc.body.childNodes].map(node => document.importNode(node, true)));
  for (const img of page.querySelectorAll('img')) {
    const src = img.getAttribute('src') || '';
    img.removeAttribute('src');
    if (src.startsWith(base + '/thumbnails/')) blobUrl(src).then(blob => { img.src = blob; }).catch(() => {});
  }
  root.append(page);
}
