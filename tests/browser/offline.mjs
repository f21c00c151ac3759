// The offline layer in Debian's Chromium against the real server serving a copy of the release build:
// the service worker installs and precaches the core of this build on a first visit of the home page
// (not the full app: offline, a page never visited says so), and the full app once the reader goes
// past the home page; with the network cut, the home page reloads, a procedure page never visited
// opens, and a new draft starts from the home page (out of the public pages'
// bundle into the full app's); no /api/ answer and no personal page is in any cache (a no-store
// page of the app drops an older copy); when the worker changes on the server, the page offers the new
// version and switches to it; the worker keeps a capped number of pages, the oldest dropped first;
// Chromium finds the app installable.
// Usage: MOTCUA_URL=http://127.0.0.1:PORT MOTCUA_DIST=<the copy of dist/ the server serves>
//        SCREENSHOT_DIR=target/browser node tests/browser/offline.mjs
// Exits non-zero, saying why, at the first thing that is wrong.
import { chromium } from 'playwright-core';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { signInByApi } from './signin.mjs';

const base = process.env.MOTCUA_URL;
const dist = process.env.MOTCUA_DIST;
const shots = process.env.SCREENSHOT_DIR ?? 'target/browser';
if (!base) throw new Error('MOTCUA_URL is not set');
if (!dist) throw new Error('MOTCUA_DIST is not set (the directory the server serves, which this test rewrites)');
mkdirSync(shots, { recursive: true });

function check(condition, message) {
  if (!condition) throw new Error(message);
}

function builtVersion() {
  const sw = readFileSync(join(dist, 'sw.js'), 'utf8');
  const match = sw.match(/"version": "([^"]+)", "core": (\[[^\]]*\]), "app": (\[[^\]]*\])/);
  check(match, 'dist/sw.js carries no build version: it was not written by `cargo xtask build`');
  const core = JSON.parse(match[2]);
  const app = JSON.parse(match[3]);
  return { version: match[1], core, app, precache: [...core, ...app] };
}

// Every cache of the origin and every URL in it, as the page sees them.
async function cacheContents(page) {
  return page.evaluate(async () => {
    const out = {};
    for (const name of await caches.keys()) {
      const cache = await caches.open(name);
      out[name] = (await cache.keys()).map((r) => r.url);
    }
    return out;
  });
}

// Polls `probe` (which may be async, unlike page.waitForFunction's predicate: a promise counts as truthy
// there) until it gives a truthy value; fails with `what` after `timeout` ms.
async function eventually(what, probe, timeout = 10000) {
  const deadline = Date.now() + timeout;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(typeof what === 'function' ? await what() : what);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function waitForApp(page, what) {
  await page.waitForSelector('html[data-hydrated="true"]', { timeout: 30000 })
    .catch(() => { throw new Error(`${what}: the WASM app did not start within 30 s; ${problems.join('; ') || 'no page error was logged'}`); });
}

const build = builtVersion();
// A persistent profile, as on a phone: an incognito context is never installable.
const profile = mkdtempSync(join(tmpdir(), 'motcua-offline-'));
const context = await chromium.launchPersistentContext(profile, {
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  headless: true,
  viewport: { width: 360, height: 740 },
  locale: 'vi-VN',
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
const problems = [];
try {
  const page = context.pages()[0] ?? await context.newPage();
  let offline = false;
  page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
  page.on('console', (msg) => {
    // Offline, the browser logs the requests it could not make (the page's own API calls): expected.
    if (msg.type() === 'error' && !(offline && /ERR_INTERNET_DISCONNECTED|Failed to fetch|Failed to load resource/.test(msg.text()))) {
      problems.push(`console error: ${msg.text()}`);
    }
  });

  // 1. First visit: the worker installs, precaches this build, and takes control of the page.
  await page.goto(`${base}/`, { waitUntil: 'domcontentloaded' });
  await waitForApp(page, 'first visit');
  await page.waitForFunction(() => navigator.serviceWorker?.controller?.state === 'activated', null, { timeout: 30000 })
    .catch(() => { throw new Error(`the service worker did not install and take control within 30 s; ${problems.join('; ')}`); });
  const cacheName = `motcua-${build.version}`;
  let cached = await cacheContents(page);
  check(Object.keys(cached).length === 1 && cached[cacheName],
    `expected exactly the cache ${cacheName}, found ${JSON.stringify(Object.keys(cached))}`);
  let paths = cached[cacheName].map((u) => new URL(u).pathname);
  for (const file of [...build.core, '/']) {
    check(paths.includes(file), `${file} is not precached (cache holds ${JSON.stringify(paths)})`);
  }
  check(build.core.some((f) => f.endsWith('.wasm')) && build.core.some((f) => f.endsWith('.css')),
    `the core precache list lacks the public bundle's WASM or the CSS: ${JSON.stringify(build.core)}`);
  check(build.app.some((f) => f.endsWith('.wasm')), `the app precache list lacks the full app's WASM: ${JSON.stringify(build.app)}`);
  // A first visit of the home page downloads only the core: the page-weight budget counts every file.
  await page.waitForTimeout(1000);
  paths = (await cacheContents(page))[cacheName].map((u) => new URL(u).pathname);
  const early = [...build.app, '/__motcua-app-shell'].filter((f) => paths.includes(f));
  check(early.length === 0, `a first visit of the home page precached the full app: ${JSON.stringify(early)}`);
  console.log(`service worker ${build.version} installed; first visit of / precached ${paths.length} entries (core)`);

  // 1b. Offline before going past the home page: a page never visited (opened in a second tab, so the
  //     first stays as it is) says it is not on the phone yet.
  await context.setOffline(true);
  offline = true;
  const tab = await context.newPage();
  await tab.goto(`${base}/thu-tuc/thong-bao-khuyen-mai`, { waitUntil: 'domcontentloaded' });
  check(await tab.locator('h1').first().textContent() === 'Không có kết nối mạng',
    `offline, before the app was precached, a page never visited shows "${await tab.locator('h1').first().textContent().catch(() => 'no h1')}"`);
  await tab.screenshot({ path: join(shots, 'offline-not-kept.png'), fullPage: true });
  await tab.close();
  await context.setOffline(false);
  offline = false;

  // 1c. Past the home page (a procedure page, reached through the public bundle's router without a page
  //     load): the worker downloads the full app and its shell.
  await page.click('a[href="/thu-tuc/dang-ky-ho-kinh-doanh"]');
  await page.waitForURL(/\/thu-tuc\/dang-ky-ho-kinh-doanh$/, { timeout: 10000 });
  await eventually(async () => `the full app was not precached after a procedure page: ${JSON.stringify((await cacheContents(page))[cacheName])}`,
    async () => {
      const now = ((await cacheContents(page))[cacheName] ?? []).map((u) => new URL(u).pathname);
      return [...build.app, '/__motcua-app-shell'].every((f) => now.includes(f));
    }, 30000);
  console.log('past the home page, the full app and its shell were precached');

  // 2. Personal data never lands in a cache: API answers fetched by the page (GET and POST) and a
  //    look-up result page, all through the worker.
  // Submitting needs a signed-in person: the owner signs in (the cookie is the page's too).
  const csrf = await signInByApi(page.request, base, '0912345678');
  const code = await page.evaluate(async (csrf) => {
    const procedures = await fetch('/api/v1/procedures');
    if (!procedures.ok) throw new Error(`GET /api/v1/procedures answered ${procedures.status}`);
    const sent = await fetch('/api/v1/dossiers', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'idempotency-key': crypto.randomUUID(), 'x-csrf-token': csrf },
      body: JSON.stringify({
        procedure: 'hkd_termination',
        form_version: 'tt68_mau4',
        form: {
          office: '21025', hkd_name: 'Hộ kinh doanh Bánh mì Cô Ba', hkd_code: '051085012345',
          signatory: 'owner', signatory_name: 'Nguyễn Thị Ba', filer_phone: '0912345678',
          commitments: { debts_settled: true, responsible: true },
        },
        applicant: { name: 'Nguyễn Thị Ba', phone: '0912345678' },
      }),
    });
    if (sent.status !== 201) throw new Error(`POST /api/v1/dossiers answered ${sent.status}: ${await sent.text()}`);
    const { code } = await sent.json();
    const status = await fetch(`/api/v1/dossiers/${encodeURIComponent(code)}?phone=0912345678`);
    if (!status.ok) throw new Error(`GET /api/v1/dossiers/{code} answered ${status.status}`);
    return code;
  }, csrf);
  await page.goto(`${base}/tra-cuu?code=${encodeURIComponent(code)}&phone=0912345678`, { waitUntil: 'domcontentloaded' });
  await waitForApp(page, 'look-up page');
  await page.goto(`${base}/tra-cuu/${encodeURIComponent(code)}`, { waitUntil: 'domcontentloaded' });
  await waitForApp(page, 'look-up page by code');
  // A page of the app with personal data (the server sends it `no-store`) is not kept, and a copy kept
  // before (planted here, as an older worker might have left it) is dropped when it comes back.
  await page.evaluate(async (name) => {
    const cache = await caches.open(name);
    await cache.put('/ho-so', new Response('<html><body>an old copy</body></html>', { headers: { 'content-type': 'text/html' } }));
  }, cacheName);
  const mine = await page.goto(`${base}/ho-so`, { waitUntil: 'domcontentloaded' });
  check(/no-store/.test(mine.headers()['cache-control'] ?? ''), `/ho-so is sent "${mine.headers()['cache-control']}", not no-store`);
  await waitForApp(page, 'my dossiers');
  check(await page.evaluate(() => document.documentElement.dataset.rendered) === 'hydrated', '/ho-so did not hydrate the full app');
  await eventually('the copy of /ho-so kept before is still in the cache after a no-store answer',
    () => page.evaluate(async (name) => !(await (await caches.open(name)).match('/ho-so')), cacheName));
  // A page without personal data is kept for offline use.
  await page.goto(`${base}/tra-cuu`, { waitUntil: 'domcontentloaded' });
  await waitForApp(page, 'empty look-up page');
  await page.goto(`${base}/`, { waitUntil: 'domcontentloaded' });
  await waitForApp(page, 'home again');
  cached = await cacheContents(page);
  const everyUrl = Object.values(cached).flat().map((u) => new URL(u));
  const personal = everyUrl.filter((u) => u.pathname.startsWith('/api/') || u.search !== '' || u.pathname.startsWith('/tra-cuu/'));
  check(personal.length === 0, `personal data in the cache: ${personal.map(String).join(', ')}`);
  check(everyUrl.some((u) => u.pathname === '/tra-cuu'), 'the empty look-up page was not kept for offline use');
  const stored = await page.evaluate(async (code) => {
    // The dossier's code must not appear in any cached body either (e.g. under another key).
    for (const name of await caches.keys()) {
      const cache = await caches.open(name);
      for (const request of await cache.keys()) {
        const body = await (await cache.match(request)).text().catch(() => '');
        if (body.includes(code)) return request.url;
      }
    }
    return null;
  }, code);
  check(stored === null, `the dossier code ${code} is in the cached body of ${stored}`);
  console.log(`no /api/ answer and no look-up result in ${everyUrl.length} cached entries`);

  // 3. No network: the home page reloads (the kept page, hydrated) and a procedure page never visited
  //    opens (the app shell, rendered by the app on the phone).
  await context.setOffline(true);
  offline = true;
  const reachable = await page.evaluate(() => fetch('/api/v1/procedures').then(() => true, () => false));
  check(!reachable, 'the network is still reachable after context.setOffline(true): the test would prove nothing');
  await page.reload({ waitUntil: 'domcontentloaded' });
  await waitForApp(page, 'offline reload of /');
  check(await page.locator('h1').textContent() === 'Dịch vụ công trực tuyến tỉnh Quảng Ngãi', 'offline, / does not show the home page');
  check(await page.locator('h1').count() === 1, 'offline, / rendered twice');
  check(await page.evaluate(() => document.documentElement.dataset.rendered) === 'hydrated',
    'offline, / was not the kept server page');
  await page.screenshot({ path: join(shots, 'offline-home.png'), fullPage: true });

  await page.goto(`${base}/thu-tuc/dang-ky-ho-kinh-doanh`, { waitUntil: 'domcontentloaded' });
  await waitForApp(page, 'offline /thu-tuc/dang-ky-ho-kinh-doanh');
  await page.waitForFunction(() => document.querySelector('h1')?.textContent === 'Đăng ký thành lập hộ kinh doanh', null, { timeout: 10000 })
    .catch(async () => { throw new Error(`offline, the procedure page shows "${await page.locator('h1').first().textContent().catch(() => 'no h1')}"`); });
  check(await page.locator('h1').count() === 1, 'offline, the procedure page rendered twice');
  check(await page.evaluate(() => document.documentElement.dataset.rendered) === 'client',
    'offline, a page never visited should come from the app shell and be rendered on the phone');
  check((await page.title()).startsWith('Đăng ký thành lập hộ kinh doanh'), `offline title is "${await page.title()}"`);
  await page.screenshot({ path: join(shots, 'offline-procedure.png'), fullPage: true });

  // The kept look-up page and an app route only the phone knows open too.
  await page.goto(`${base}/tra-cuu`, { waitUntil: 'domcontentloaded' });
  await waitForApp(page, 'offline /tra-cuu');
  check(await page.evaluate(() => document.documentElement.dataset.rendered) === 'hydrated', 'offline, /tra-cuu was not the kept page');
  await page.goto(`${base}/khong-co-trang-nay`, { waitUntil: 'domcontentloaded' });
  await waitForApp(page, 'offline unknown path');
  check(await page.locator('h1').count() === 1, 'offline, an unknown path shows no page');
  // From the home page (kept, hydrated by the public pages' bundle) through a procedure page (the same
  // bundle's router) into the app: "Nộp hồ sơ trực tuyến" loads a page of the full bundle, which the worker
  // answers with the app shell; the full app starts a draft from the phone's own data.
  await page.goto(`${base}/`, { waitUntil: 'domcontentloaded' });
  await waitForApp(page, 'offline / again');
  check(await page.evaluate(() => document.documentElement.dataset.rendered) === 'hydrated', 'offline, / was not the kept page');
  await page.click('a[href="/thu-tuc/dang-ky-ho-kinh-doanh"]');
  await page.waitForURL(/\/thu-tuc\/dang-ky-ho-kinh-doanh$/, { timeout: 10000 });
  await page.click('text=Nộp hồ sơ trực tuyến');
  await page.waitForURL(/\/soan\/[0-9a-f-]{36}\/noi-nop$/, { timeout: 15000 });
  await waitForApp(page, 'offline new draft');
  await page.locator('#f-office').waitFor({ timeout: 10000 });
  check(await page.evaluate(() => document.documentElement.dataset.rendered) === 'client',
    'offline, the new draft should be rendered by the full app on the app shell');
  await context.setOffline(false);
  offline = false;
  console.log('offline: / reloads, /thu-tuc/dang-ky-ho-kinh-doanh and /tra-cuu open, a new draft starts from /');

  // 4. A new version: the server's sw.js changes; the page offers it; "Cập nhật" switches to it.
  await page.goto(`${base}/`, { waitUntil: 'domcontentloaded' });
  await waitForApp(page, 'home before the update');
  const next = `${build.version}-next`;
  const sw = readFileSync(join(dist, 'sw.js'), 'utf8');
  // The new version also keeps fewer pages, so step 5 can see the cap at work with the few public pages.
  const cap = 'const MAX_KEPT_PAGES = 30;';
  check(sw.includes(cap), `sw.js no longer says "${cap}"`);
  writeFileSync(join(dist, 'sw.js'), sw
    .replace(`"version": "${build.version}"`, `"version": "${next}"`)
    .replace(cap, 'const MAX_KEPT_PAGES = 2;'));
  // The server would send its precompressed copies of the old file.
  rmSync(join(dist, 'sw.js.br'), { force: true });
  rmSync(join(dist, 'sw.js.gz'), { force: true });
  await page.reload({ waitUntil: 'domcontentloaded' });
  await waitForApp(page, 'home after the new worker was published');
  const banner = page.locator('[role="status"] .update-banner');
  await banner.waitFor({ timeout: 30000 })
    .catch(() => { throw new Error(`no "update available" banner within 30 s of a new sw.js; ${problems.join('; ')}`); });
  check((await banner.innerText()).includes('Đã có phiên bản mới'), `the banner says "${await banner.innerText()}"`);
  const button = page.getByRole('button', { name: 'Cập nhật' });
  const box = await button.boundingBox();
  check(box && box.height >= 44 && box.width >= 44, `the update button is ${box?.width}×${box?.height} px, under 44 px`);
  cached = await cacheContents(page);
  check(cached[`motcua-${next}`] && cached[cacheName], `while the new version waits both caches exist: ${JSON.stringify(Object.keys(cached))}`);
  check(await page.evaluate(() => navigator.serviceWorker.getRegistration().then((r) => r?.waiting?.state)) === 'installed',
    'the new worker does not wait for the reader');
  await page.screenshot({ path: join(shots, 'update-banner.png') });
  // By keyboard: focus the button and press Enter; the page reloads under the new worker.
  await button.focus();
  const reloaded = page.waitForEvent('load', { timeout: 30000 });
  await page.keyboard.press('Enter');
  await reloaded.catch(() => { throw new Error('pressing "Cập nhật" did not reload the page'); });
  await waitForApp(page, 'after the update');
  await page.waitForFunction(() => navigator.serviceWorker.controller?.state === 'activated');
  cached = await cacheContents(page);
  check(JSON.stringify(Object.keys(cached)) === JSON.stringify([`motcua-${next}`]),
    `after the update only the new cache should remain: ${JSON.stringify(Object.keys(cached))}`);
  check(await page.locator('.update-banner').count() === 0, 'the banner is still there after the update');
  // The phone had the full app for offline use: the new version has it too.
  const afterUpdate = cached[`motcua-${next}`].map((u) => new URL(u).pathname);
  for (const file of [...build.app, '/__motcua-app-shell']) {
    check(afterUpdate.includes(file), `after the update ${file} is not precached: forms would not open offline`);
  }
  console.log(`update: banner shown, ${build.version} → ${next} on "Cập nhật", old cache deleted`);

  // 5. The worker keeps a limited number of pages (here 2, rewritten in step 4): the oldest goes first,
  //    besides the home page and the app shell.
  const newCache = `motcua-${next}`;
  const keptPages = () => page.evaluate(async ({ name, precached }) => {
    const cache = await caches.open(name);
    return (await cache.keys()).map((r) => new URL(r.url).pathname)
      .filter((p) => p !== '/' && p !== '/__motcua-app-shell' && !precached.includes(p));
  }, { name: newCache, precached: build.precache });
  const visits = ['/thu-tuc/thong-bao-khuyen-mai', '/thu-tuc/thay-doi-ho-kinh-doanh', '/tra-cuu', '/thu-tuc/cham-dut-ho-kinh-doanh'];
  for (const path of visits) {
    await page.goto(`${base}${path}`, { waitUntil: 'domcontentloaded' });
    await waitForApp(page, path);
    await eventually(`${path} was not kept`,
      async () => (await keptPages()).includes(path));
  }
  const kept = await eventually(async () => `more than 2 pages kept: ${JSON.stringify(await keptPages())}`,
    async () => { const pages = await keptPages(); return pages.length <= 2 && pages; });
  check(JSON.stringify([...kept].sort()) === JSON.stringify(visits.slice(-2).sort()),
    `the 2 pages visited last should be kept, found ${JSON.stringify(kept)}`);
  const home = await page.evaluate(async (name) => !!(await (await caches.open(name)).match('/')), newCache);
  check(home, 'the cap dropped the home page');
  console.log(`cap: of ${visits.length} pages visited, the last 2 are kept (${kept.join(', ')})`);

  // 6. Installable: the manifest parses and Chromium has no installability error.
  const cdp = await context.newCDPSession(page);
  const manifest = await cdp.send('Page.getAppManifest');
  check(manifest.errors.length === 0, `manifest errors: ${JSON.stringify(manifest.errors)}`);
  const { installabilityErrors } = await cdp.send('Page.getInstallabilityErrors');
  check(installabilityErrors.length === 0, `Chromium does not find the app installable: ${JSON.stringify(installabilityErrors)}`);
  const parsed = JSON.parse(manifest.data);
  check(parsed.lang === 'vi' && parsed.display === 'standalone', 'the manifest is not Vietnamese and standalone');
  check(parsed.icons.some((i) => i.purpose === 'maskable' && i.sizes === '512x512'), 'no 512 px maskable icon');
  console.log('installable: no manifest or installability errors');

  check(problems.length === 0, problems.join('\n'));
  console.log('offline test passed');
} finally {
  await context.close();
  rmSync(profile, { recursive: true, force: true });
}
