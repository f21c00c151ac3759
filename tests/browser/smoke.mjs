// Browser smoke test: the real server serving the real release build, in Debian's Chromium.
// Usage: MOTCUA_URL=http://127.0.0.1:PORT SCREENSHOT_DIR=target/browser node tests/browser/smoke.mjs
// Exits non-zero, saying why, when the server-rendered page is wrong, the WASM does not hydrate or
// respond, or the page logs any error.
import { chromium } from 'playwright-core';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

import { signInByApi } from './signin.mjs';

const base = process.env.MOTCUA_URL;
const shots = process.env.SCREENSHOT_DIR ?? 'target/browser';
if (!base) throw new Error('MOTCUA_URL is not set');
mkdirSync(shots, { recursive: true });

const PROCEDURES_VI = [
  'Thông báo hoạt động khuyến mại',
  'Đăng ký thành lập hộ kinh doanh',
  'Đăng ký thay đổi nội dung đăng ký hộ kinh doanh',
  'Chấm dứt hoạt động hộ kinh doanh',
];

function check(condition, message) {
  if (!condition) throw new Error(message);
}

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
const problems = [];
// Rejected by the first uncaught error in the page, so a broken WASM fails at once instead of at a timeout.
let pageFailed;
const firstPageError = new Promise((_, reject) => { pageFailed = reject; });
try {
  // A cheap phone's screen.
  const context = await browser.newContext({ viewport: { width: 360, height: 740 }, locale: 'vi-VN' });
  const page = await context.newPage();
  page.on('pageerror', (err) => {
    problems.push(`page error: ${err.message}`);
    pageFailed(new Error(`the page threw: ${err.message}`));
  });
  page.on('console', (msg) => {
    if (msg.type() === 'error') problems.push(`console error: ${msg.text()}`);
  });
  page.on('requestfailed', (req) => problems.push(`request failed: ${req.url()} ${req.failure()?.errorText}`));

  // 1. The server's HTML, before any script runs.
  const response = await page.goto(`${base}/`, { waitUntil: 'domcontentloaded' });
  check(response.status() === 200, `GET / answered ${response.status()}`);
  const html = await response.text();
  for (const name of PROCEDURES_VI) check(html.includes(name), `server HTML lacks "${name}"`);
  check(html.includes('<html lang="vi">'), 'server HTML is not marked lang="vi"');

  // 2. Hydration: the WASM takes over the server's nodes.
  await Promise.race([
    page.waitForSelector('html[data-hydrated="true"]', { timeout: 30000 })
      .catch(() => { throw new Error(`the WASM app did not hydrate within 30 s; ${problems.join('; ') || 'no page error was logged'}`); }),
    firstPageError,
  ]);
  check(await page.locator('h1').count() === 1, 'hydration rendered a second copy of the page');
  await page.screenshot({ path: join(shots, 'home-vi.png'), fullPage: true });

  // 3. The WASM responds: the language switch turns the page into English, without a reload.
  await page.evaluate(() => { window.__sameDocument = true; });
  await page.getByRole('button', { name: 'English' }).click();
  await page.waitForFunction(() => document.querySelector('h1')?.textContent === 'Quảng Ngãi online public services', null, { timeout: 10000 })
    .catch(() => { throw new Error('clicking "English" did not change the heading: the WASM app does not respond'); });
  check(await page.evaluate(() => document.documentElement.lang) === 'en', 'html lang did not become "en"');
  check(await page.evaluate(() => window.__sameDocument === true), 'the switch reloaded the page instead of updating it');

  // 4. Client-side navigation to a procedure's page keeps the document.
  await page.getByRole('link', { name: 'Termination of a household business' }).click();
  await page.waitForURL('**/thu-tuc/cham-dut-ho-kinh-doanh');
  await page.waitForFunction(() => document.querySelector('h1')?.textContent === 'Termination of a household business');
  check(await page.evaluate(() => window.__sameDocument === true), 'the link reloaded the page instead of routing in the app');
  check((await page.title()).startsWith('Termination of a household business'), `title is "${await page.title()}"`);

  // 5. The choice is remembered: a fresh load is rendered in English by the server.
  const again = await page.goto(`${base}/`, { waitUntil: 'domcontentloaded' });
  check((await again.text()).includes('<html lang="en">'), 'the server did not remember the English choice');
  await page.waitForSelector('html[data-hydrated="true"]', { timeout: 30000 });
  await page.screenshot({ path: join(shots, 'home-en.png'), fullPage: true });

  // 6. A dossier sent through the API by its owner signed in, found on the look-up page (the public view);
  //    the page hydrates with the server's data.
  const csrf = await signInByApi(page.request, base, '0912345678');
  const submitted = await page.request.post(`${base}/api/v1/dossiers`, {
    headers: { 'idempotency-key': crypto.randomUUID(), 'x-csrf-token': csrf },
    data: {
      procedure: 'hkd_termination',
      form_version: 'tt68_mau4',
      form: {
        office: '21025', hkd_name: 'Hộ kinh doanh Bánh mì Cô Ba', hkd_code: '051085012345',
        signatory: 'owner', signatory_name: 'Nguyễn Thị Ba', filer_phone: '0912345678',
        commitments: { debts_settled: true, responsible: true },
      },
      applicant: { name: 'Nguyễn Thị Ba', phone: '0912345678' },
    },
  });
  check(submitted.status() === 201, `POST /api/v1/dossiers answered ${submitted.status()}: ${await submitted.text()}`);
  const { code } = await submitted.json();
  await page.goto(`${base}/tra-cuu?code=${encodeURIComponent(code)}&phone=0912345678`, { waitUntil: 'domcontentloaded' });
  await page.waitForSelector('html[data-hydrated="true"]', { timeout: 30000 });
  check(await page.locator('.lookup-result h2').textContent() === code, 'the look-up page does not show the dossier');
  check(await page.locator('h1').count() === 1, 'the look-up page rendered twice');
  await page.screenshot({ path: join(shots, 'lookup-en.png'), fullPage: true });

  check(problems.length === 0, problems.join('\n'));
  console.log(`browser smoke test passed; screenshots in ${shots}`);
} finally {
  await browser.close();
}
