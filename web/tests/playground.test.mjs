// The playground in a real browser: Debian's chromium, headless, against
// web/dist served on 127.0.0.1. Every finding the page shows is checked
// against what the claimlint command reports for the same text.
//
//   bash web/test.sh            (builds web/dist and claimlint, then runs this)

import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, beforeEach, afterEach, describe, test } from 'node:test';
import { cli, cliReport, dist, launch, resultsDir, serve } from './harness.mjs';

const HYPE = readFileSync(join(dist, 'examples', 'hype.md'), 'utf8');
const HONEST = readFileSync(join(dist, 'examples', 'honest.md'), 'utf8');

let browser;
let server;
let context;
let page;
let problems;

before(async () => {
  browser = await launch();
  server = await serve();
});

after(async () => {
  await browser?.close();
  await server?.close();
});

/** A fresh page (own storage) at `hash`, with its errors collected. */
async function open(hash = '', options = {}) {
  context = await browser.newContext({ viewport: { width: 1280, height: 900 }, ...options });
  page = await context.newPage();
  problems = [];
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console error: ${message.text()}`);
  });
  await page.goto(server.url + hash);
  await page.waitForSelector('html[data-ready="true"]');
  return page;
}

beforeEach(() => {
  context = null;
});

afterEach(async () => {
  const seen = problems;
  await context?.close();
  assert.deepEqual(seen, [], 'the page logged no error');
});

/** Loads an example draft with a click, and waits for it. */
async function example(name) {
  await page.click(`button[data-example="${name}"]`);
  const text = name === 'hype' ? HYPE : HONEST;
  await page.waitForFunction((t) => document.getElementById('draft').value === t, text);
}

/** The findings the page lists, as the JSON contract names them. */
function listed() {
  return page.$$eval('#findings li.finding', (items) => items.map((li) => ({
    rule: li.dataset.rule,
    category: li.dataset.category,
    severity: li.dataset.severity,
    start: Number(li.dataset.start),
    end: Number(li.dataset.end),
    message: li.querySelector('.message').textContent,
  })));
}

function expected(report) {
  return JSON.parse(report).diagnostics.map((d) => ({
    rule: d.rule,
    category: d.category,
    severity: d.severity,
    start: d.start,
    end: d.end,
    message: d.message,
  }));
}

/** Waits until the page has linted exactly the draft it holds. */
async function settled() {
  await page.waitForFunction(() => {
    const draft = document.getElementById('draft');
    // The view ends with one extra new line after the draft's text.
    return document.getElementById('view').textContent === `${draft.value}\n` ||
      !document.getElementById('notice').hidden;
  });
}

/** Checks the list and the highlighted view against the command's report. */
async function assertMatchesCli(text, format = 'md', config = null) {
  await settled();
  const report = cliReport(text, format, config);
  const want = expected(report);
  assert.deepEqual(await listed(), want, 'the listed findings are the command\'s');
  // Every finding is highlighted in place: the marks that carry it spell
  // exactly the text the report quotes.
  const diagnostics = JSON.parse(report).diagnostics;
  const highlighted = await page.$$eval('#view mark', (marks) => {
    const byFinding = {};
    for (const mark of marks) {
      for (const i of mark.dataset.findings.split(' ')) {
        byFinding[i] = (byFinding[i] || '') + mark.textContent;
      }
    }
    return byFinding;
  });
  diagnostics.forEach((d, i) => {
    assert.equal(highlighted[i] ?? '', d.text, `finding ${i} (${d.rule}) is highlighted`);
  });
  const summary = JSON.parse(report).summary;
  const total = summary.errors + summary.warnings + summary.infos;
  const line = await page.textContent('#summary');
  if (total === 0) assert.match(line, /^No findings\./);
  else {
    assert.match(line, new RegExp(`^${total} findings?: ${summary.errors} errors?, ${summary.warnings} warnings?, ${summary.infos} infos?\\.`));
  }
  return JSON.parse(report);
}

describe('the playground', () => {
  test('loads the rules once and lists every category of the pack', async () => {
    await open();
    const ids = cli(['rules'], { check: false }).stdout.split('\n')
      .map((line) => line.split(/\s+/)[0]).filter((id) => /^[a-z-]+\.[a-z0-9.-]+$/.test(id));
    assert.ok(ids.length > 50);
    const categories = [...new Set(ids.map((id) => id.split('.')[0]))];
    const boxes = await page.$$eval('#category-list input', (inputs) => inputs.map((i) => [i.value, i.checked]));
    assert.deepEqual(boxes.map(([c]) => c).sort(), categories.sort());
    assert.ok(boxes.every(([, checked]) => checked));
    const version = cli(['--version'], { check: false }).stdout.trim().split(' ').pop();
    assert.equal(await page.textContent('#version'), version);
  });

  test('the hype-laden example: every finding and span as the command reports them', async () => {
    await open();
    await example('hype');
    assert.equal(await page.inputValue('#draft'), HYPE);
    const report = await assertMatchesCli(HYPE);
    assert.ok(report.diagnostics.length >= 15, 'the hype example is full of claims');
    assert.ok(new Set(report.diagnostics.map((d) => d.severity)).size === 3);
    assert.match(await page.textContent('#verdict'), /^Fails \(fail on errors\): \d+ findings? to resolve\./);
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.screenshot({ path: join(resultsDir(), 'playground.png') });
    await page.screenshot({ path: join(resultsDir(), 'playground-full.png'), fullPage: true });
  });

  test('the honest example has no findings and passes', async () => {
    await open();
    await example('honest');
    await assertMatchesCli(HONEST);
    assert.equal(await page.locator('#findings li').count(), 0);
    assert.match(await page.textContent('#verdict'), /^Passes/);
  });

  test('a typed draft is linted as it is typed', async () => {
    await open();
    await page.focus('#draft');
    await page.keyboard.type(HYPE);
    assert.equal(await page.inputValue('#draft'), HYPE);
    await assertMatchesCli(HYPE);
    // Edit: delete the last line; the findings follow.
    const shorter = HYPE.slice(0, HYPE.lastIndexOf('Book your'));
    await page.locator('#draft').fill(shorter);
    await assertMatchesCli(shorter);
  });

  test('the three formats are read as the command reads them', async () => {
    const html = '<html><body><nav>The best treatment in town</nav><main><h1>Ketamine</h1>' +
      '<p>Ketamine cures depression and is completely safe.</p></main></body></html>\n';
    await open();
    await page.selectOption('#format', 'html');
    await page.locator('#draft').fill(html);
    await assertMatchesCli(html, 'html');
    await page.selectOption('#format', 'txt');
    await assertMatchesCli(html, 'txt');
    assert.match(page.url(), /format=txt/);
  });

  test('"copy report" copies the JSON document of `claimlint --format json`', async () => {
    await open('', { permissions: ['clipboard-read', 'clipboard-write'] });
    await example('hype');
    await settled();
    await page.click('#copy-report');
    await page.waitForFunction(() => document.getElementById('summary').textContent.includes('copied'));
    const copied = await page.evaluate(() => navigator.clipboard.readText());
    assert.equal(copied, cliReport(HYPE));
  });

  test('a substitution is fixed with one click, and all fixes as `claimlint --fix` does', async () => {
    await open();
    await example('hype');
    await settled();
    const item = page.locator('li.finding[data-rule="integrity.affect-effect"]');
    const [start, end] = [Number(await item.getAttribute('data-start')), Number(await item.getAttribute('data-end'))];
    await item.locator('button.apply-fix').click();
    const bytes = Buffer.from(HYPE);
    const want = Buffer.concat([bytes.subarray(0, start), Buffer.from('Side effects'), bytes.subarray(end)]).toString();
    assert.equal(await page.inputValue('#draft'), want);
    await assertMatchesCli(want);
    assert.equal(await page.locator('li.finding[data-rule="integrity.affect-effect"]').count(), 0);

    // Apply all: the command's --fix on the same text writes the same file.
    await example('hype');
    await settled();
    await page.click('#fix-all');
    const fixedFile = join(mkdtempSync(join(tmpdir(), 'claimlint-fix-')), 'draft.md');
    writeFileSync(fixedFile, HYPE);
    cli(['--fix', '-q', fixedFile]);
    const fixedText = readFileSync(fixedFile, 'utf8');
    assert.notEqual(fixedText, HYPE);
    assert.equal(await page.inputValue('#draft'), fixedText);
    await assertMatchesCli(fixedText);
    assert.ok(await page.isDisabled('#fix-all'), 'nothing left to fix');
  });

  test('a category switched off is not reported, and the choice is kept in the URL', async () => {
    await open();
    await example('hype');
    await settled();
    assert.ok(await page.locator('li.finding[data-category="cure"]').count() > 0);
    await page.uncheck('#category-list input[value="cure"]');
    await page.uncheck('#category-list input[value="safety"]');
    await assertMatchesCli(HYPE, 'md', 'disable: [cure, safety]\n');
    assert.equal(await page.locator('li.finding[data-category="cure"]').count(), 0);
    assert.equal(await page.locator('li.finding[data-category="safety"]').count(), 0);
    assert.match(page.url(), /off=cure%2Csafety|off=cure,safety/);
    // The copied report is the command's under the same configuration.
    const report = await page.evaluate(() => document.getElementById('copy-report').disabled);
    assert.equal(report, false);

    // A reload keeps the choice (from the URL)…
    await page.reload();
    await page.waitForSelector('html[data-ready="true"]');
    assert.equal(await page.isChecked('#category-list input[value="cure"]'), false);
    await example('hype');
    await assertMatchesCli(HYPE, 'md', 'disable: [cure, safety]\n');
    // …and so does a visit without it (from local storage).
    await page.goto(server.url);
    await page.waitForSelector('html[data-ready="true"]');
    assert.equal(await page.isChecked('#category-list input[value="safety"]'), false);
    await page.check('#category-list input[value="cure"]');
    await page.check('#category-list input[value="safety"]');
    await example('hype');
    await assertMatchesCli(HYPE);
  });

  test('the fail-on level decides pass or fail and is kept', async () => {
    await open();
    await page.locator('#draft').fill('# Ketamine\n\nSide affects are rare.\n');
    await settled();
    const { summary } = JSON.parse(cliReport(await page.inputValue('#draft')));
    const atWarning = summary.errors + summary.warnings;
    await page.selectOption('#fail-on', 'error');
    assert.equal(await page.getAttribute('#verdict', 'data-failing'), String(summary.errors));
    await page.selectOption('#fail-on', 'info');
    assert.equal(await page.getAttribute('#verdict', 'data-failing'), String(atWarning + summary.infos));
    await page.selectOption('#fail-on', 'warning');
    assert.equal(await page.getAttribute('#verdict', 'data-failing'), String(atWarning));
    assert.match(page.url(), /fail-on=warning/);
    const failed = cli(['--fail-on', 'warning', '-q', '-', '--stdin-filename', 'draft.md'], {
      text: await page.inputValue('#draft'),
    }).status;
    assert.equal(await page.getAttribute('#verdict', 'class'), failed ? 'verdict fails' : 'verdict passes');
    await page.reload();
    await page.waitForSelector('html[data-ready="true"]');
    assert.equal(await page.inputValue('#fail-on'), 'warning');
  });

  test('selecting a finding selects its words in the draft (UTF-8 offsets, UTF-16 selection)', async () => {
    await open();
    await example('hype');
    const report = await assertMatchesCli(HYPE);
    // A finding after "☁ → ☀" (three bytes each, one UTF-16 unit).
    const d = report.diagnostics.find((x) => x.rule === 'absolute.superlative-efficacy');
    await page.click(`li.finding[data-rule="${d.rule}"] p.message`);
    const selected = await page.evaluate(() => {
      const draft = document.getElementById('draft');
      return [document.activeElement === draft, draft.value.slice(draft.selectionStart, draft.selectionEnd)];
    });
    assert.deepEqual(selected, [true, d.text]);
    // Characters outside the BMP (two UTF-16 units, four UTF-8 bytes).
    const astral = '😀 café 😀 Ketamine cures depression 🧠 and is completely safe.\n';
    await page.locator('#draft').fill(astral);
    const astralReport = await assertMatchesCli(astral, 'md');
    for (const a of astralReport.diagnostics) {
      await page.click(`li.finding[data-rule="${a.rule}"][data-start="${a.start}"] p.message`);
      assert.equal(await page.evaluate(() => {
        const draft = document.getElementById('draft');
        return draft.value.slice(draft.selectionStart, draft.selectionEnd);
      }), a.text);
    }
    await example('hype');
    await settled();
    // Clicking a highlight in place does the same, and marks its finding.
    const other = report.diagnostics.find((x) => x.rule === 'safety.absolute-safe');
    const index = report.diagnostics.indexOf(other);
    await page.click(`#view mark[data-findings="${index}"]`);
    assert.equal(await page.evaluate(() => {
      const draft = document.getElementById('draft');
      return draft.value.slice(draft.selectionStart, draft.selectionEnd);
    }), other.text);
    assert.equal(await page.getAttribute('li.finding.current', 'data-rule'), other.rule);
  });

  test('a finding explains its rule on demand, as `claimlint explain` does', async () => {
    await open();
    await example('hype');
    await settled();
    const item = page.locator('li.finding[data-rule="safety.not-addictive"]');
    const toggle = item.locator('button.explain-toggle');
    assert.equal(await toggle.getAttribute('aria-expanded'), 'false');
    assert.ok(await item.locator('.explain').isHidden());
    await toggle.click();
    assert.equal(await toggle.getAttribute('aria-expanded'), 'true');
    const shown = await item.locator('.explain').textContent();
    assert.equal(shown, cli(['explain', 'safety.not-addictive'], { check: false }).stdout);
    assert.match(shown, /References:/);
    assert.ok(await item.locator('.explain a[href^="https://"]').count() > 0, 'references are links');
    assert.match(await item.locator('.help').textContent(), /^help: /);
  });

  test('a draft is text, never markup: HTML, <script> and onerror are shown, not run', async () => {
    const attack = '<img src="x" onerror="window.__ran = \'img\'">\n' +
      '<script>window.__ran = "script"</script>\n' +
      '<svg onload="window.__ran = \'svg\'"></svg><iframe srcdoc="<script>parent.__ran=1</script>"></iframe>\n' +
      '<p>Ketamine cures depression <b onmouseover="window.__ran = \'b\'">for good</b>.</p>\n';
    await open();
    for (const format of ['html', 'md']) {
      await page.selectOption('#format', format);
      await page.locator('#draft').fill(attack);
      await assertMatchesCli(attack, format);
      await page.hover('#view');
      assert.equal(await page.textContent('#view'), `${attack}\n`);
      // The view holds text and marks only; the list only what the page makes.
      const made = await page.$$eval('#view *, #findings *', (nodes) => [...new Set(nodes.map((n) => n.tagName))].sort());
      assert.deepEqual(made.filter((t) => !['BUTTON', 'CODE', 'DIV', 'LI', 'MARK', 'P', 'Q', 'SPAN'].includes(t)), [],
        'no element of the draft was created');
      assert.ok(await page.$$eval('#view *', (nodes) => nodes.every((n) => n.tagName === 'MARK')));
      assert.equal(await page.evaluate(() => window.__ran), undefined, 'nothing in the draft ran');
      if (format === 'html') {
        assert.ok(await page.locator('li.finding[data-category="cure"]').count() > 0, 'the claim in it is found');
      }
    }
  });

  test('a huge or binary paste gets a clear message, and the page goes on working', async () => {
    await open();
    await page.locator('#draft').fill('Ketamine cures depression.\n');
    await settled();
    const paste = (text) => page.evaluate((t) => {
      const data = new DataTransfer();
      data.setData('text/plain', t);
      const event = new ClipboardEvent('paste', { clipboardData: data, cancelable: true, bubbles: true });
      document.getElementById('draft').dispatchEvent(event);
      return event.defaultPrevented;
    }, text);
    assert.equal(await paste('x'.repeat(2 << 20)), true, 'a 2 MB paste is refused');
    assert.match(await page.textContent('#notice'), /^Nothing was pasted\. This text is \d+ KB or more; the playground lints drafts up to 1024 KB/);
    assert.equal(await page.inputValue('#draft'), 'Ketamine cures depression.\n');
    assert.equal(await paste('PNG\0\0\u0001binary'), true, 'binary is refused');
    assert.match(await page.textContent('#notice'), /binary data, not a draft/);
    assert.equal(await paste('A short paste'), false, 'an ordinary paste goes through');

    // Text that gets in some other way is refused by the linter itself.
    await page.locator('#draft').fill('y'.repeat((1 << 20) + 1));
    await page.waitForFunction(() => /drafts up to 1024 KB/.test(document.getElementById('notice').textContent));
    assert.match(await page.textContent('#notice'), /^This text is 1025 KB or more; the playground lints drafts up to 1024 KB\./);
    assert.equal(await page.locator('#findings li').count(), 0);
    assert.equal(await page.textContent('#summary'), 'Not checked.');
    await page.locator('#draft').fill('nul\0byte');
    await page.waitForFunction(() => /binary data/.test(document.getElementById('notice').textContent));

    // A binary file opened from disk.
    await page.setInputFiles('#file', { name: 'photo.md', mimeType: 'text/markdown', buffer: Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 13]) });
    await page.waitForFunction(() => /photo\.md was not opened: it is a binary file/.test(document.getElementById('notice').textContent));

    // And back to normal.
    await page.setInputFiles('#file', { name: 'post.html', mimeType: 'text/html', buffer: Buffer.from('<p>Ketamine cures depression.</p>') });
    await page.waitForFunction(() => document.getElementById('draft').value.startsWith('<p>'));
    assert.equal(await page.inputValue('#format'), 'html');
    await assertMatchesCli('<p>Ketamine cures depression.</p>', 'html');
    assert.ok(await page.isHidden('#notice'));
  });

  test('keyboard: every action is reachable and works without a mouse', async () => {
    await open();
    await example('hype');
    const report = await assertMatchesCli(HYPE);
    await page.focus('#draft');
    // Tab from the draft to the first finding's "select" button.
    let onLocate = false;
    for (let i = 0; i < 20 && !onLocate; i++) {
      await page.keyboard.press('Tab');
      onLocate = await page.evaluate(() => document.activeElement.classList.contains('locate'));
    }
    assert.ok(onLocate, 'Tab reaches the findings');
    await page.keyboard.press('Enter');
    const first = report.diagnostics[0];
    assert.deepEqual(await page.evaluate(() => {
      const draft = document.getElementById('draft');
      return [document.activeElement.id, draft.value.slice(draft.selectionStart, draft.selectionEnd)];
    }), ['draft', first.text]);
    // The explanation opens with the keyboard too.
    const toggle = page.locator('li.finding').first().locator('button.explain-toggle');
    await toggle.focus();
    await page.keyboard.press('Enter');
    assert.equal(await toggle.getAttribute('aria-expanded'), 'true');
    // Focus is visible.
    const outline = await page.evaluate(() => getComputedStyle(document.activeElement).outlineStyle);
    assert.equal(outline, 'solid');
  });

  test('colours pass WCAG AA contrast (4.5:1 for text)', async () => {
    await open();
    await example('hype');
    await settled();
    await page.locator('li.finding button.explain-toggle').first().click();
    await page.locator('#draft').focus();
    const failures = await page.evaluate(() => {
      const parse = (c) => c.match(/[\d.]+/g).map(Number);
      const lum = ([r, g, b]) => {
        const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
        return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
      };
      const background = (node) => {
        for (let n = node; n; n = n.parentElement) {
          const c = parse(getComputedStyle(n).backgroundColor);
          if (c.length < 4 || c[3] === 1) return c.slice(0, 3);
        }
        return [255, 255, 255];
      };
      const out = [];
      let checked = 0;
      for (const node of document.querySelectorAll('body *')) {
        const own = [...node.childNodes].some((c) => c.nodeType === 3 && c.textContent.trim());
        if (!own || node.closest('[hidden]') || node.matches(':disabled')) continue;
        const fg = lum(parse(getComputedStyle(node).color));
        const bg = lum(background(node));
        const ratio = (Math.max(fg, bg) + 0.05) / (Math.min(fg, bg) + 0.05);
        checked++;
        if (ratio < 4.5) out.push(`${node.tagName}.${node.className}: ${ratio.toFixed(2)}`);
      }
      return { out, checked };
    });
    assert.ok(failures.checked > 50, `checked ${failures.checked} elements with text`);
    assert.deepEqual(failures.out, []);
  });

  test('readable on a phone: one column, nothing wider than the screen', async () => {
    await open('', { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 });
    await example('hype');
    await settled();
    const widths = await page.evaluate(() => [document.documentElement.scrollWidth, window.innerWidth]);
    assert.ok(widths[0] <= widths[1], `page ${widths[0]} px wide in a ${widths[1]} px screen`);
    const [draftBox, viewBox] = [await page.locator('#draft').boundingBox(), await page.locator('#view').boundingBox()];
    assert.ok(viewBox.y > draftBox.y + draftBox.height - 1, 'the view is under the draft');
    const size = await page.evaluate(() => parseFloat(getComputedStyle(document.getElementById('draft')).fontSize));
    assert.ok(size >= 16, 'text at least 16 px');
    await page.screenshot({ path: join(resultsDir(), 'phone.png'), fullPage: false });
  });

  test('works offline once loaded', async () => {
    const own = await serve();
    context = await browser.newContext();
    page = await context.newPage();
    problems = [];
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    await page.goto(own.url);
    await page.waitForSelector('html[data-ready="true"]');
    await page.evaluate(async () => {
      await navigator.serviceWorker.ready;
      if (!navigator.serviceWorker.controller) {
        await new Promise((done) => navigator.serviceWorker.addEventListener('controllerchange', done));
      }
    });
    await own.close();
    // The server is gone: the page, the module and the examples come from
    // the cache.
    await page.reload();
    await page.waitForSelector('html[data-ready="true"]');
    await example('hype');
    await assertMatchesCli(HYPE);
  });
});
