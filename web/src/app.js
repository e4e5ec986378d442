// The playground page: a draft, its findings in place, and the settings.
//
// A draft is text, never markup: it reaches the page only through
// textContent and text nodes, so HTML in it is shown, never run.
// The settings (format, fail-on level, categories switched off) live in the
// URL's fragment and in local storage; neither leaves the browser.

import { Claimlint, DraftError, Utf8Index, compileModule, tooLargeMessage } from './claimlint.js';

const $ = (id) => document.getElementById(id);
const draft = $('draft');
const view = $('view');
const list = $('findings');
const summary = $('summary');
const verdict = $('verdict');
const notice = $('notice');
const formatSelect = $('format');
const failOnSelect = $('fail-on');
const categoryList = $('category-list');
const fixAllButton = $('fix-all');
const copyButton = $('copy-report');

const RANK = { info: 0, warning: 1, error: 2 };
const STORAGE_KEY = 'claimlint-playground';
const DEBOUNCE_MS = 150;
const FORMAT_NAMES = { md: 'Markdown', txt: 'plain text', html: 'HTML', mdx: 'MDX' };

let linter = null;
let settings = { format: 'md', failOn: 'error', off: [] };
/** The last lint: {text, result} (result null when the draft was refused). */
let last = { text: null, result: null };
let pending = 0;
const explanations = new Map();

// ---------------------------------------------------------------- settings

function readSettings() {
  const fromHash = new URLSearchParams(location.hash.slice(1));
  let stored = {};
  try {
    stored = JSON.parse(localStorage.getItem(STORAGE_KEY) || '{}') || {};
  } catch {
    stored = {};
  }
  const pick = (key, hashKey, valid) => {
    const value = fromHash.has(hashKey) ? fromHash.get(hashKey) : stored[key];
    return valid(value) ? value : settings[key];
  };
  settings.format = pick('format', 'format', (v) => v in FORMAT_NAMES);
  settings.failOn = pick('failOn', 'fail-on', (v) => v in RANK);
  const off = fromHash.has('off') ? fromHash.get('off').split(',') : stored.off;
  settings.off = Array.isArray(off) ? off.filter(Boolean) : [];
}

function saveSettings() {
  const params = new URLSearchParams();
  params.set('format', settings.format);
  params.set('fail-on', settings.failOn);
  if (settings.off.length) params.set('off', settings.off.join(','));
  history.replaceState(null, '', `#${params}`);
  try {
    localStorage.setItem(STORAGE_KEY, JSON.stringify(settings));
  } catch {
    // Storage can be off (private windows); the URL still keeps the choice.
  }
}

// ---------------------------------------------------------------- notices

function showNotice(message) {
  notice.textContent = message;
  notice.hidden = false;
}

function clearNotice() {
  notice.hidden = true;
  notice.textContent = '';
}

// ---------------------------------------------------------------- linting

function scheduleLint() {
  clearTimeout(pending);
  pending = setTimeout(() => {
    pending = 0;
    lintNow();
  }, DEBOUNCE_MS);
}

/** Lints at once if the draft changed since the last lint. */
function flush() {
  if (pending || last.text !== draft.value) {
    clearTimeout(pending);
    pending = 0;
    lintNow();
  }
}

function lintNow() {
  const text = draft.value;
  performance.mark('claimlint-lint-start');
  let result = null;
  try {
    result = linter.lint(text, settings.format);
  } catch (e) {
    if (e instanceof DraftError) {
      refused(text, e.message);
      return;
    }
    if (e.trapped) {
      recover(e);
      return;
    }
    throw e;
  }
  performance.measure('claimlint-lint', 'claimlint-lint-start');
  clearNotice();
  performance.mark('claimlint-render-start');
  render(text, result);
  performance.measure('claimlint-render', 'claimlint-render-start');
}

/** A draft that is not linted: say why, and show no stale findings. */
function refused(text, message) {
  last = { text, result: null };
  showNotice(message);
  view.replaceChildren();
  list.replaceChildren();
  summary.textContent = 'Not checked.';
  verdict.textContent = '';
  verdict.className = 'verdict';
  fixAllButton.disabled = true;
  copyButton.disabled = true;
}

/** claimlint stopped (a bug): report it, and start a fresh instance. */
async function recover(error) {
  showNotice(`${error.message}. The checker was restarted; please report this draft.`);
  linter = await Claimlint.create(linter.module);
  linter.setDisabled(settings.off);
}

// ---------------------------------------------------------------- rendering

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (key === 'class') node.className = value;
    else if (key.startsWith('data-') || key.startsWith('aria-') || key === 'type' || key === 'id') {
      node.setAttribute(key, value);
    } else node[key] = value;
  }
  for (const child of children) {
    if (child !== null && child !== undefined) {
      node.append(typeof child === 'string' ? document.createTextNode(child) : child);
    }
  }
  return node;
}

const plural = (n, one, many) => `${n} ${n === 1 ? one : many}`;

function render(text, result) {
  last = { text, result };
  const findings = result.findings;
  const offsets = [0, result.bytes];
  for (const f of findings) offsets.push(f.start, f.end);
  const at = new Utf8Index(text).toUtf16(offsets);
  for (const f of findings) {
    f.from = at.get(f.start);
    f.to = at.get(f.end);
  }
  renderView(text, findings);
  renderList(text, findings);
  renderSummary(result.counts);
  fixAllButton.disabled = !findings.some((f) => f.fix);
  copyButton.disabled = false;
}

/** The draft as text, each stretch covered by findings in a <mark>. */
function renderView(text, findings) {
  const bounds = new Set([0, text.length]);
  for (const f of findings) bounds.add(f.from).add(f.to);
  const points = [...bounds].sort((a, b) => a - b);
  const fragment = document.createDocumentFragment();
  // Findings with an empty span get a marker at their position.
  const empties = new Map();
  findings.forEach((f, i) => {
    if (f.from === f.to) empties.set(f.from, [...(empties.get(f.from) || []), i]);
  });
  const marker = (indices) => el('mark', {
    class: `empty sev-${worst(indices.map((i) => findings[i]))}`,
    'data-findings': indices.join(' '),
    title: indices.map((i) => findings[i].message).join('\n'),
  });
  for (let p = 0; p < points.length - 1; p++) {
    const [from, to] = [points[p], points[p + 1]];
    if (empties.has(from)) fragment.append(marker(empties.get(from)));
    const covering = [];
    findings.forEach((f, i) => {
      if (f.from <= from && f.to >= to && f.from < f.to) covering.push(i);
    });
    const piece = text.slice(from, to);
    if (!covering.length) {
      fragment.append(document.createTextNode(piece));
      continue;
    }
    fragment.append(el('mark', {
      class: `sev-${worst(covering.map((i) => findings[i]))}`,
      'data-findings': covering.join(' '),
      title: covering.map((i) => `${findings[i].severity}: ${findings[i].message}`).join('\n'),
    }, piece));
  }
  if (empties.has(text.length) && points.length > 1) fragment.append(marker(empties.get(text.length)));
  // A trailing newline needs something after it to take up its line.
  fragment.append(document.createTextNode('\n'));
  view.replaceChildren(fragment);
}

function worst(findings) {
  return findings.reduce((w, f) => (RANK[f.severity] > RANK[w] ? f.severity : w), 'info');
}

function renderList(text, findings) {
  const items = findings.map((f, i) => {
    const quoted = text.slice(f.from, f.to);
    const head = el('div', { class: 'finding-head' },
      el('span', { class: `badge sev-${f.severity}` }, f.severity),
      el('button', {
        type: 'button',
        class: 'locate',
        'aria-label': `Select in the draft: line ${f.line}, column ${f.column}`,
      }, `line ${f.line}:${f.column}`),
      el('code', { class: 'rule-id' }, f.rule));
    const explainId = `explain-${i}`;
    const actions = el('div', { class: 'actions' });
    if (f.fix) {
      actions.append(el('button', { type: 'button', class: 'apply-fix' },
        `Replace with “${f.fix.replacement}”`));
    }
    actions.append(el('button', {
      type: 'button',
      class: 'explain-toggle',
      'aria-expanded': 'false',
      'aria-controls': explainId,
    }, 'Why? Explanation and references'));
    return el('li', {
      class: 'finding',
      'data-index': String(i),
      'data-rule': f.rule,
      'data-category': f.category,
      'data-severity': f.severity,
      'data-start': String(f.start),
      'data-end': String(f.end),
    },
    head,
    el('p', { class: 'message' }, f.message),
    quoted ? el('p', { class: 'quote' }, el('q', {}, quoted), f.label ? ` — ${f.label}` : '') : null,
    f.help ? el('p', { class: 'help' }, `help: ${f.help}`) : null,
    ...f.notes.map((n) => el('p', { class: 'note' }, `note: ${n}`)),
    ...f.related.map((r) => el('p', { class: 'note' }, `see also: ${r.label}`)),
    f.suggestion && !f.fix ? el('p', { class: 'help' }, `write instead: ${f.suggestion}`) : null,
    actions,
    el('div', { class: 'explain', id: explainId, hidden: true }));
  });
  list.replaceChildren(...items);
}

function renderSummary(counts) {
  const total = counts.errors + counts.warnings + counts.infos;
  summary.textContent = total === 0
    ? 'No findings.'
    : `${plural(total, 'finding', 'findings')}: ${plural(counts.errors, 'error', 'errors')}, ` +
      `${plural(counts.warnings, 'warning', 'warnings')}, ${plural(counts.infos, 'info', 'infos')}.`;
  const failing = counts.errors +
    (RANK[settings.failOn] <= RANK.warning ? counts.warnings : 0) +
    (RANK[settings.failOn] <= RANK.info ? counts.infos : 0);
  const level = settings.failOn === 'info' ? 'any finding' : `${settings.failOn}s`;
  verdict.textContent = failing
    ? `Fails (fail on ${level}): ${plural(failing, 'finding', 'findings')} to resolve.`
    : `Passes (fail on ${level}).`;
  verdict.className = failing ? 'verdict fails' : 'verdict passes';
  verdict.dataset.failing = String(failing);
}

// ---------------------------------------------------------------- actions

function findingAt(index) {
  return last.result && last.result.findings[index];
}

/** Selects a finding's words in the draft and marks it in both panes. */
function select(index, { focusDraft = true } = {}) {
  const f = findingAt(index);
  if (!f) return;
  for (const node of document.querySelectorAll('.current')) node.classList.remove('current');
  const item = list.querySelector(`li[data-index="${index}"]`);
  item?.classList.add('current');
  for (const mark of view.querySelectorAll('mark')) {
    if (mark.dataset.findings.split(' ').includes(String(index))) mark.classList.add('current');
  }
  view.querySelector('mark.current')?.scrollIntoView({ block: 'nearest' });
  if (focusDraft) {
    draft.focus({ preventScroll: true });
    draft.setSelectionRange(f.from, f.to);
    scrollDraftTo(f.from);
  }
  return item;
}

/** Scrolls the draft so that UTF-16 index `at` is in view. */
function scrollDraftTo(at) {
  const lineHeight = parseFloat(getComputedStyle(draft).lineHeight) || 24;
  const ratio = draft.scrollHeight / Math.max(1, draft.value.length);
  const estimate = at * ratio;
  if (estimate < draft.scrollTop || estimate > draft.scrollTop + draft.clientHeight - lineHeight) {
    draft.scrollTop = Math.max(0, estimate - draft.clientHeight / 3);
  }
  draft.scrollIntoView({ block: 'nearest' });
}

function setDraft(text) {
  draft.value = text;
  lintNow();
}

function applyFix(index) {
  const f = findingAt(index);
  if (!f || !f.fix) return;
  const before = last.text.slice(f.from, f.to);
  setDraft(linter.fix(last.text, settings.format, f.start, f.end));
  summaryNote(`Replaced “${before}” with “${f.fix.replacement}”.`);
}

function summaryNote(text) {
  summary.textContent = `${summary.textContent} ${text}`;
}

async function toggleExplanation(button, index) {
  const f = findingAt(index);
  const box = $(button.getAttribute('aria-controls'));
  const open = button.getAttribute('aria-expanded') === 'true';
  if (open) {
    box.hidden = true;
    button.setAttribute('aria-expanded', 'false');
    return;
  }
  if (!explanations.has(f.rule)) explanations.set(f.rule, linter.explain(f.rule));
  box.replaceChildren(...linkify(explanations.get(f.rule)));
  box.hidden = false;
  button.setAttribute('aria-expanded', 'true');
}

/** Text nodes, with each https:// address made a link. */
function linkify(text) {
  const nodes = [];
  const pattern = /https:\/\/[^\s<>"')\]]+[^\s<>"')\].,;:]/g;
  let at = 0;
  for (const match of text.matchAll(pattern)) {
    nodes.push(document.createTextNode(text.slice(at, match.index)));
    nodes.push(el('a', { href: match[0], rel: 'noopener noreferrer', target: '_blank' }, match[0]));
    at = match.index + match[0].length;
  }
  nodes.push(document.createTextNode(text.slice(at)));
  return nodes;
}

async function copyReport() {
  flush();
  if (!last.result) return;
  const report = last.result.report;
  let copied = false;
  try {
    await navigator.clipboard.writeText(report);
    copied = true;
  } catch {
    // No clipboard API (a page served over plain HTTP): copy through a
    // selected text area.
    const area = el('textarea', { value: report, readOnly: true, 'aria-hidden': 'true' });
    area.style.position = 'fixed';
    area.style.opacity = '0';
    document.body.append(area);
    area.select();
    copied = document.execCommand('copy');
    area.remove();
  }
  summaryNote(copied ? 'JSON report copied.' : 'Copying failed; your browser did not allow it.');
}

async function loadExample(name) {
  const response = await fetch(new URL(`examples/${name}.md`, import.meta.url));
  const text = await response.text();
  settings.format = 'md';
  formatSelect.value = 'md';
  saveSettings();
  setDraft(text);
  draft.focus();
}

/** A pasted text that is too large or binary is refused before it lands. */
function onPaste(event) {
  const text = event.clipboardData?.getData('text/plain');
  if (text === undefined) return;
  const problem = pasteProblem(text);
  if (problem) {
    event.preventDefault();
    showNotice(problem);
  }
}

function pasteProblem(text) {
  const max = linter.catalog.max_draft_bytes;
  const room = max - (draft.value.length - (draft.selectionEnd - draft.selectionStart));
  if (text.length > room) {
    return `Nothing was pasted. ${tooLargeMessage(text.length + (max - room), max)}`;
  }
  const nul = text.indexOf('\0');
  if (nul >= 0) {
    return 'Nothing was pasted: this looks like binary data, not a draft (it holds a NUL ' +
      'character); claimlint lints text.';
  }
  return null;
}

async function openFile(file) {
  const max = linter.catalog.max_draft_bytes;
  if (file.size > max) {
    showNotice(`${file.name} was not opened. ${tooLargeMessage(file.size, max)}`);
    return;
  }
  const bytes = new Uint8Array(await file.arrayBuffer());
  if (bytes.includes(0)) {
    showNotice(`${file.name} was not opened: it is a binary file (it holds NUL bytes); claimlint lints text.`);
    return;
  }
  let text;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    showNotice(`${file.name} was not opened: it is not UTF-8 text. Save it as UTF-8 and open it again.`);
    return;
  }
  const ext = file.name.toLowerCase().split('.').pop();
  const format = { md: 'md', markdown: 'md', mdx: 'mdx', html: 'html', htm: 'html' }[ext] || 'txt';
  settings.format = format;
  formatSelect.value = format;
  saveSettings();
  setDraft(text);
}

// ---------------------------------------------------------------- wiring

function buildCategories() {
  const counts = new Map();
  for (const rule of linter.catalog.rules) counts.set(rule.category, (counts.get(rule.category) || 0) + 1);
  const boxes = linter.catalog.categories.map((category) => {
    const box = el('input', {
      type: 'checkbox',
      name: 'category',
      value: category,
      checked: !settings.off.includes(category),
    });
    box.addEventListener('change', () => {
      settings.off = [...categoryList.querySelectorAll('input:not(:checked)')].map((b) => b.value);
      saveSettings();
      linter.setDisabled(settings.off);
      lintNow();
    });
    return el('label', { title: `${plural(counts.get(category), 'rule', 'rules')}` }, box, category);
  });
  categoryList.replaceChildren(...boxes);
}

function wire() {
  draft.addEventListener('input', scheduleLint);
  draft.addEventListener('paste', onPaste);
  formatSelect.addEventListener('change', () => {
    settings.format = formatSelect.value;
    saveSettings();
    lintNow();
  });
  failOnSelect.addEventListener('change', () => {
    settings.failOn = failOnSelect.value;
    saveSettings();
    if (last.result) renderSummary(last.result.counts);
  });
  for (const button of document.querySelectorAll('button.example')) {
    button.addEventListener('click', () => loadExample(button.dataset.example));
  }
  $('file').addEventListener('change', (event) => {
    const file = event.target.files[0];
    if (file) openFile(file);
    event.target.value = '';
  });
  fixAllButton.addEventListener('click', () => {
    flush();
    if (!last.result) return;
    setDraft(linter.fixAll(last.text, settings.format));
    summaryNote('Fixes applied.');
  });
  copyButton.addEventListener('click', copyReport);
  list.addEventListener('click', (event) => {
    const item = event.target.closest('li.finding');
    if (!item || event.target.closest('.explain')) return;
    flush();
    const index = Number(item.dataset.index);
    if (event.target.closest('.apply-fix')) applyFix(index);
    else if (event.target.closest('.explain-toggle')) toggleExplanation(event.target.closest('button'), index);
    else select(index);
  });
  view.addEventListener('click', (event) => {
    const mark = event.target.closest('mark');
    if (!mark) return;
    flush();
    const index = Number(mark.dataset.findings.split(' ')[0]);
    const item = select(index);
    item?.scrollIntoView({ block: 'nearest' });
  });
  window.addEventListener('hashchange', () => {
    readSettings();
    formatSelect.value = settings.format;
    failOnSelect.value = settings.failOn;
    for (const box of categoryList.querySelectorAll('input')) box.checked = !settings.off.includes(box.value);
    linter.setDisabled(settings.off);
    lintNow();
  });
}

async function main() {
  readSettings();
  formatSelect.value = settings.format;
  failOnSelect.value = settings.failOn;
  try {
    const module = await compileModule(new URL('claimlint.wasm', import.meta.url));
    performance.mark('claimlint-module');
    linter = await Claimlint.create(module);
    performance.mark('claimlint-rules');
  } catch (e) {
    summary.textContent = 'claimlint could not start.';
    showNotice(`claimlint could not start in this browser: ${e.message}`);
    return;
  }
  $('version').textContent = linter.catalog.version;
  buildCategories();
  linter.setDisabled(settings.off);
  saveSettings();
  wire();
  lintNow();
  performance.mark('claimlint-ready');
  document.documentElement.dataset.ready = 'true';
  if ('serviceWorker' in navigator && window.isSecureContext) {
    navigator.serviceWorker.register('sw.js').catch(() => {
      // Without a service worker the page works, only not offline.
    });
  }
}

main();
