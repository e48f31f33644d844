// Drives Debian's Chromium (playwright-core, no browser download) to Perch's live view while a demo
// runs, and checks what a person would see. Run by loadtests/live-view.sh, which starts the demo:
//   node check.mjs default|mixed-1000 BASE_URL RESULTS_DIR
// Prints one JSON line of results; exits 1 with a one-line reason on the first failed check.
import { chromium } from 'playwright-core';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const [scenario, base, resultsDir] = process.argv.slice(2);
const result = { scenario, ok: false };
const problems = [];   // console errors, page errors, failed requests: any one fails the run

const sleep = ms => new Promise(r => setTimeout(r, ms));
function fail(reason) {
  result.reason = reason;
  console.log(JSON.stringify(result));
  process.exit(1);
}
function check(condition, reason) {
  if (!condition) fail(reason);
}
async function api(pathAndQuery) {
  const started = performance.now();
  const r = await fetch(new URL(pathAndQuery, base));
  const body = await r.text();
  if (!r.ok) throw new Error(`${pathAndQuery}: HTTP ${r.status} ${body.slice(0, 200)}`);
  return { json: JSON.parse(body), bytes: Buffer.byteLength(body), ms: performance.now() - started };
}
async function until(what, timeoutMs, probe) {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value) return value;
    if (Date.now() > end) fail(`timed out after ${timeoutMs / 1000} s waiting for ${what}`);
    await sleep(1000);
  }
}

// A fresh browser each time (its own profile, so its own empty cache), as a person opening the page.
async function browser() {
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'perch-live-view-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: '/usr/bin/chromium', headless: true, viewport: { width: 1400, height: 1000 },
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  const page = context.pages()[0] || await context.newPage();
  page.on('console', m => { if (m.type() === 'error') problems.push(`console.error: ${m.text()}`); });
  page.on('pageerror', e => problems.push(`page error: ${e.message}`));
  page.on('requestfailed', r => problems.push(`request failed: ${r.url()} ${r.failure()?.errorText}`));
  page.on('response', r => { if (r.status() >= 400) problems.push(`HTTP ${r.status()}: ${r.url()}`); });
  return { page, close: async () => { await context.close(); fs.rmSync(profile, { recursive: true, force: true }); } };
}
const noProblems = () => check(problems.length === 0, problems[0]);
const attr = (page, selector, name) => page.$eval(selector, (e, n) => e.dataset[n], name).catch(() => undefined);

async function defaultDemo() {
  // The move of cam-3 comes some 40 s in: wait for it in the API, then for points after it.
  const move = await until('the move of cam-3 in /api/v1/decisions', 85_000, async () =>
    (await api('api/v1/decisions?limit=200')).json.find(d => d.app === 'cam-3' && d.action === 'move'));
  const cam3 = (await api('api/v1/cluster')).json.apps.find(a => a.app === 'cam-3');
  check(cam3, 'cam-3 is not in /api/v1/cluster');
  Object.assign(result, { moveAtMs: move.atMs, moveFrom: move.from, moveTo: move.to });

  const { page, close } = await browser();
  await page.goto(base);
  await page.waitForFunction(() => document.querySelectorAll('#nodes .node').length === 4
      && document.querySelectorAll('#apps tr').length === 8 && document.querySelectorAll('#decisions tr').length > 0, null, { timeout: 15_000 })
    .catch(() => fail('the page did not show 4 node cards, 8 apps and the decisions within 15 s'));
  result.nodeCards = await page.$$eval('#nodes .node', n => n.length);
  result.appRows = await page.$$eval('#apps tr', n => n.length);

  // How sure Perch is of what it learned, once predictions flow: the rate ± its standard error and
  // the predicted statistic's 95 % interval, with a tooltip saying what it is, as the API states them.
  const interval = await until('a rate ± standard error and a predicted [low–high] interval in the apps table', 20_000, () =>
    page.evaluate(() => {
      for (const tr of document.querySelectorAll('#apps tr[data-open-app]')) {
        const se = tr.querySelector('td.num .se'), ci = tr.querySelector('td.num .ci');
        const range = ci && /^\[(\d+\.\d)–(\d+\.\d)\]$/.exec(ci.textContent);
        if (se && /^± \d/.test(se.textContent) && range && /95 % interval/.test(ci.title) && /standard error/.test(se.title)) {
          return { app: tr.dataset.openApp, rateText: se.parentElement.textContent, predictedText: ci.parentElement.textContent,
            low: Number(range[1]), high: Number(range[2]) };
        }
      }
      return null;
    }));
  const stated = (await api('api/v1/cluster')).json.apps.find(a => a.app === interval.app);
  // The page and this question a second or so apart: the same window, or the next one's close by.
  check(stated && stated.predictedLow95Ms !== null && stated.predictedLow95Ms <= stated.predictedMs
      && stated.predictedMs <= stated.predictedHigh95Ms && stated.ratePerSecStdErr > 0,
    `the API's interval for ${interval.app} is not one: ${JSON.stringify(stated)}`);
  check(interval.low <= interval.high, `${interval.app}'s interval reads ${interval.predictedText}`);
  result.confidence = { app: interval.app, rate: interval.rateText, predicted: interval.predictedText };

  await page.click('#apps tr[data-open-app="cam-3"]');
  await page.waitForFunction(() => Number(document.getElementById('app-chart').dataset.points) > 0
      && document.querySelector('#app-chart canvas'), null, { timeout: 10_000 })
    .catch(() => fail('cam-3\'s chart did not draw within 10 s of the click'));
  check(Number(await attr(page, '#app-chart', 'sloMs')) === cam3.sloMs,
    `the chart's SLO line is at ${await attr(page, '#app-chart', 'sloMs')} ms, the API says ${cam3.sloMs} ms`);
  result.sloMs = cam3.sloMs;

  // The move marked (drawn on the canvas and listed, from → to as the decision says), points on the
  // new accelerator after it, and the impending alert that set it off.
  const seen = await until('the move, an impending alert and 15 points on the new accelerator in cam-3\'s chart', 30_000, () =>
    page.evaluate(({ from, to, atMs }) => {
      const moves = [...document.querySelectorAll('#app-events li[data-kind="move"]')];
      const marked = moves.find(li => !li.dataset.by && li.dataset.from === from && li.dataset.to === to && Math.abs(li.dataset.atMs - atMs) < 2000);
      const after = [...document.querySelectorAll('#app-runs li')]
          .find(li => li.dataset.accelerator === to && Number(li.dataset.fromMs) >= atMs - 2000 && Number(li.dataset.points) >= 15);
      const drawn = (document.getElementById('app-chart').dataset.drawnEvents || '').split(' ');
      const impending = document.querySelector('#app-events li[data-kind="impending"]');
      return marked && after && impending && drawn.includes('move') && drawn.includes('impending')
        && { pointsAfterMove: Number(after.dataset.points), events: drawn, impendingAtMs: Number(impending.dataset.atMs) };
    }, { from: move.from, to: move.to, atMs: move.atMs }));
  Object.assign(result, seen);
  result.chartPoints = Number(await attr(page, '#app-chart', 'points'));
  result.chartIntervalPoints = Number(await attr(page, '#app-chart', 'intervalPoints'));
  check(result.chartIntervalPoints > 0, 'cam-3\'s chart has no point with a 95 % interval to draw as a band');
  check(result.impendingAtMs <= move.atMs, `the impending alert is marked at ${result.impendingAtMs}, after the move at ${move.atMs}`);

  // Open across the 1 s refreshes, and the same uPlot redrawn rather than a new one.
  await sleep(4000);
  check(await page.isVisible('#app-panel') && await attr(page, '#app-chart', 'app') === 'cam-3', 'cam-3\'s chart closed on a refresh');
  check(await page.$$eval('#app-chart .uplot', n => n.length) === 1, 'the chart was drawn twice');
  await page.screenshot({ path: path.join(resultsDir, 'live-view-default.png'), fullPage: true });
  await page.locator('#app-panel').screenshot({ path: path.join(resultsDir, 'live-view-default-cam-3.png') });

  // A span of 30 minutes, and the utilisation of the accelerator cam-3 moved to.
  await page.click('#app-panel button[data-span="30"]');
  await page.waitForFunction(() => document.getElementById('app-chart').dataset.spanMin === '30', null, { timeout: 10_000 })
    .catch(() => fail('the 30 min span was not drawn within 10 s'));
  await page.click(`.acc[data-open-acc="${move.to}"] b`);
  await page.waitForFunction(to => document.getElementById('acc-chart').dataset.accelerator === to
      && Number(document.getElementById('acc-chart').dataset.points) > 0, move.to, { timeout: 10_000 })
    .catch(() => fail(`the utilisation chart of ${move.to} did not draw within 10 s`));
  result.acceleratorPoints = Number(await attr(page, '#acc-chart', 'points'));
  await page.locator('#acc-panel').screenshot({ path: path.join(resultsDir, 'live-view-default-accelerator.png') });
  noProblems();
  await close();
}

async function mixed1000() {
  const perPage = 'nodeOffset=0&nodeLimit=24&appOffset=0&appLimit=50';
  await until('predictions in /api/v1/cluster', 240_000, async () => {
    const { json } = await api(`api/v1/cluster?${perPage}`);
    return json.apps.some(a => a.predictedMs !== null) && json.nodes.some(n => n.accelerators.some(a => a.utilization !== null));
  });
  result.firstDataRenderMs = [];
  result.firstRenderParts = [];
  let pageUrl;
  for (let run = 0; run < 3; run++) {
    const { page, close } = await browser();
    await page.goto(base);
    await page.waitForFunction(() => window.perchFirstDataRenderMs !== undefined, null, { timeout: 30_000 })
      .catch(() => fail('no render with data within 30 s'));
    result.firstDataRenderMs.push(Math.round(await page.evaluate(() => window.perchFirstDataRenderMs)));
    // Where the time went, on the same clock: the page's HTML in, the first question to the
    // cluster API asked and answered.
    result.firstRenderParts.push(await page.evaluate(() => {
      const nav = performance.getEntriesByType('navigation')[0];
      const cluster = performance.getEntriesByType('resource').find(e => e.name.includes('api/v1/cluster'));
      return { htmlMs: Math.round(nav.responseEnd), clusterAskedMs: Math.round(cluster.startTime),
        clusterAnsweredMs: Math.round(cluster.responseEnd), domContentLoadedMs: Math.round(nav.domContentLoadedEventEnd) };
    }));
    pageUrl = await page.evaluate(() => window.perchClusterUrl);
    if (run < 2) { noProblems(); await close(); continue; }

    result.nodeCards = await page.$$eval('#nodes .node', n => n.length);
    result.appRows = await page.$$eval('#apps tr', n => n.length);
    check(result.nodeCards === 24 && result.appRows === 50, `a page shows ${result.nodeCards} nodes and ${result.appRows} apps, not 24 and 50`);
    result.summary = await page.textContent('#meta');
    await page.screenshot({ path: path.join(resultsDir, 'live-view-mixed-1000-first.png') });

    // Search for an app far down the list: it alone (or with the few whose names contain it) shows.
    const far = (await api('api/v1/cluster?appOffset=4321&appLimit=1&nodeLimit=1')).json.apps[0].app;
    await page.fill('#search', far);
    await page.waitForFunction(name => document.querySelector(`#apps tr[data-open-app="${name}"]`)
        && document.querySelectorAll('#apps tr').length < 50, far, { timeout: 10_000 })
      .catch(() => fail(`searching for ${far} did not show it within 10 s`));
    result.searched = { app: far, rows: await page.$$eval('#apps tr', n => n.length), matching: await page.textContent('#matching') };
    await page.fill('#search', '');

    // Page through: the second page of apps and of nodes, then back.
    await page.waitForFunction(() => document.querySelectorAll('#apps tr').length === 50, null, { timeout: 10_000 });
    const firstApps = await page.$$eval('#apps tr', rows => rows.map(r => r.dataset.openApp));
    await page.click('#app-pager button[data-step="1"]');
    await page.waitForFunction(() => /apps 51–100 of/.test(document.getElementById('app-pager').textContent), null, { timeout: 10_000 })
      .catch(() => fail('next › did not show apps 51–100 within 10 s'));
    const secondApps = await page.$$eval('#apps tr', rows => rows.map(r => r.dataset.openApp));
    // At risk first in a live fleet: an app whose risk changed in the second between the two pages
    // may be on both; a page that shows the first again is a failure.
    const repeated = secondApps.filter(a => firstApps.includes(a)).length;
    check(secondApps.length === 50 && repeated < 10, `the second page of apps repeats ${repeated} of the first's 50`);
    await page.click('#node-pager button[data-step="1"]');
    await page.waitForFunction(() => /nodes 25–48 of/.test(document.getElementById('node-pager').textContent), null, { timeout: 10_000 })
      .catch(() => fail('next › did not show nodes 25–48 within 10 s'));
    await page.click('#app-pager button[data-step="-1"]');
    await page.waitForFunction(() => /apps 1–50 of/.test(document.getElementById('app-pager').textContent), null, { timeout: 10_000 })
      .catch(() => fail('‹ prev did not go back to apps 1–50 within 10 s'));
    result.paged = { repeatedOnSecondPage: repeated, appPager: await page.textContent('#app-pager span'), nodePager: await page.textContent('#node-pager span') };

    // One app's chart at this scale.
    await page.click('#apps tr >> nth=0');
    await page.waitForFunction(() => Number(document.getElementById('app-chart').dataset.points) > 0, null, { timeout: 10_000 })
      .catch(() => fail('the first app\'s chart did not draw within 10 s'));
    result.chartPoints = Number(await attr(page, '#app-chart', 'points'));
    await page.screenshot({ path: path.join(resultsDir, 'live-view-mixed-1000.png') });
    noProblems();
    await close();
  }
  // What the page asks every second, asked here 20 times a second apart.
  const answers = [];
  for (let i = 0; i < 20; i++) { answers.push(await api(pageUrl)); await sleep(1000); }
  const times = answers.map(a => a.ms).sort((x, y) => x - y);
  result.clusterResponse = { url: pageUrl, bytesMax: Math.max(...answers.map(a => a.bytes)),
    msMin: Math.round(times[0]), msMedian: Math.round(times[10]), msMax: Math.round(times[19]) };
  check(result.firstDataRenderMs.every(ms => ms < 1000), `first render with data took ${result.firstDataRenderMs.join(', ')} ms; over 1000 ms`);
}

try {
  fs.mkdirSync(resultsDir, { recursive: true });
  if (scenario === 'default') await defaultDemo();
  else if (scenario === 'mixed-1000') await mixed1000();
  else fail(`unknown scenario '${scenario}' (default or mixed-1000)`);
  result.ok = true;
  console.log(JSON.stringify(result));
} catch (e) {
  fail(String(e && e.message || e).split('\n')[0]);
}
