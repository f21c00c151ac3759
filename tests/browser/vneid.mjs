// Sign-in with the national e-identity (VNeID) in the browser, on a 360 px phone, against the real
// server and a real OpenID provider (tests/oidc/provider.mjs, at OIDC_ISSUER):
// - /dang-nhap offers the VNeID button first, the phone form below ("hoặc đăng nhập bằng số điện thoại");
// - pressing it goes to the provider, where the test citizen Nguyễn Văn An is picked;
// - back on the app the header shows the name, and /dang-nhap shows the verified identity (number masked,
//   birth date dd/mm/yyyy) as coming from VNeID and not editable here;
// - a failed sign-in (a replayed callback) is explained in Vietnamese on /dang-nhap.
// The pages are checked with axe-core and for sideways scrolling at 360 px.
// Prints `session: citizen <number> <name> <birth date>` from GET /api/v1/session for the Rust test.
import { chromium } from 'playwright-core';
import { mkdirSync } from 'node:fs';

import { auditor } from './audit.mjs';

const base = process.env.MOTCUA_URL;
const issuer = process.env.OIDC_ISSUER;
const shots = process.env.SCREENSHOT_DIR ?? 'target/browser';
if (!base || !issuer) throw new Error('MOTCUA_URL and OIDC_ISSUER must be set');
mkdirSync(shots, { recursive: true });

function check(condition, message) {
  if (!condition) throw new Error(message);
}

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
const failures = [];
const problems = [];
function watch(page) {
  page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error' && !/Failed to load resource/.test(m.text())) problems.push(`console error: ${m.text()}`);
  });
}
async function hydrated(page, path) {
  await page.waitForSelector('html[data-hydrated="true"]', { timeout: 30000 })
    .catch(() => { throw new Error(`${path}: the WASM app did not start within 30 s; ${problems.join('; ')}`); });
}

try {
  const context = await browser.newContext({ viewport: { width: 360, height: 740 }, locale: 'vi-VN' });
  const page = await context.newPage();
  watch(page);
  const audit = auditor(page, failures, shots);

  await page.goto(`${base}/dang-nhap?next=/thong-bao`, { waitUntil: 'domcontentloaded' });
  await hydrated(page, '/dang-nhap');
  const button = page.locator('a.button-vneid');
  await button.waitFor({ timeout: 10000 });
  check((await button.textContent()).includes('Đăng nhập bằng tài khoản định danh điện tử VNeID'),
    'the VNeID button says what it is');
  const href = await button.getAttribute('href');
  check(href === '/api/v1/auth/vneid/start?next=/thong-bao', `the button keeps next: ${href}`);
  await page.waitForSelector('text=hoặc đăng nhập bằng số điện thoại');
  await page.waitForSelector('#signin-phone');
  // The VNeID button comes before the phone form in the reading and tab order.
  const order = await page.evaluate(() => {
    const v = document.querySelector('a.button-vneid');
    const p = document.querySelector('#signin-phone');
    return Boolean(v.compareDocumentPosition(p) & Node.DOCUMENT_POSITION_FOLLOWING);
  });
  check(order, 'the VNeID button comes first');
  await audit('vneid-signin', '/dang-nhap');

  await button.click();
  await page.waitForURL((u) => u.toString().startsWith(issuer), { timeout: 15000 });
  await page.click('button[name=account][value="nguyen-van-an"]');
  await page.waitForURL(`${base}/thong-bao`, { timeout: 15000, waitUntil: 'domcontentloaded' })
    .catch(async () => { throw new Error(`back from the provider at ${page.url()}: ${(await page.textContent('body')).slice(0, 500)}`); });
  await hydrated(page, '/thong-bao');
  await page.waitForSelector('.account-link:has-text("Nguyễn Văn An")', { timeout: 10000 });

  await page.click('.account-link');
  await page.waitForURL(/\/dang-nhap$/);
  await page.waitForSelector('text=Bạn đang đăng nhập bằng tài khoản định danh điện tử VNeID', { timeout: 10000 });
  const card = await page.textContent('.verified-identity');
  check(card.includes('Nguyễn Văn An'), `the name is shown: ${card}`);
  check(card.includes('0510******45'), `the identity number is masked: ${card}`);
  check(!card.includes('051090000145'), 'the whole identity number is not shown');
  check(card.includes('17/05/1990'), `the birth date is dd/mm/yyyy: ${card}`);
  check(/không sửa được ở đây/.test(card), `it says it cannot be changed here: ${card}`);
  check((await page.locator('.verified-identity input').count()) === 0, 'nothing of the identity is editable');
  await audit('vneid-identity', '/dang-nhap');
  await page.screenshot({ path: `${shots}/vneid-identity-360.png`, fullPage: true });

  const session = await (await page.request.get(`${base}/api/v1/session`)).json();
  const id = session.principal.identity;
  check(session.principal.kind === 'citizen' && id, `a citizen with an identity: ${JSON.stringify(session.principal.kind)}`);
  console.log(`session: ${session.principal.kind} ${id.identity_number} ${id.full_name} ${id.birth_date}`);

  // A failed sign-in is explained: sign out, then land on the page with a reason code.
  // Tell us once: a new registration's owner block comes from the verified identity, read-only.
  await page.goto(`${base}/nop/dang-ky-ho-kinh-doanh`, { waitUntil: 'domcontentloaded' });
  await hydrated(page, '/nop/dang-ky-ho-kinh-doanh');
  await page.waitForURL(/\/soan\/[0-9a-f-]{36}\/noi-nop$/, { timeout: 10000 });
  const draft = new URL(page.url()).pathname.split('/')[2];
  await page.goto(`${base}/soan/${draft}/chu-ho`, { waitUntil: 'domcontentloaded' });
  await hydrated(page, '/soan/…/chu-ho');
  await page.waitForFunction(() => document.querySelector('#f-owner-full_name')?.value === 'Nguyễn Văn An', null, { timeout: 10000 });
  check(await page.inputValue('#f-owner-id') === '051090000145', 'the identity number is filled in');
  check(await page.inputValue('#f-owner-birth_date') === '17/05/1990', 'the birth date is filled in as dd/mm/yyyy');
  for (const field of ['#f-owner-full_name', '#f-owner-id', '#f-owner-birth_date']) {
    check(await page.getAttribute(field, 'readonly') !== null, `${field} cannot be typed over`);
  }
  const note = await page.textContent('.field-locked .locked-note');
  check(note.includes('Theo tài khoản định danh điện tử — không sửa được'), `the form says why: ${note}`);
  await audit('vneid-prefill', '/soan/…/chu-ho');

  // Signing out names the draft that was never submitted; removing it is confirmed twice.
  await page.goto(`${base}/dang-nhap`, { waitUntil: 'domcontentloaded' });
  await hydrated(page, '/dang-nhap');
  await page.click('button:has-text("Đăng xuất")');
  await page.click('button:has-text("Vẫn đăng xuất và xóa")', { timeout: 15000 });
  await page.click('button:has-text("Có, xóa và đăng xuất")');
  await page.waitForSelector('a.button-vneid', { timeout: 10000 });
  await page.goto(`${base}/dang-nhap?loi=het_han`, { waitUntil: 'domcontentloaded' });
  await hydrated(page, '/dang-nhap?loi=het_han');
  const alert = await page.textContent('.notice-error[role=alert]', { timeout: 10000 });
  check(/hết hạn hoặc đã được dùng/.test(alert), `the reason is explained: ${alert}`);
  await audit('vneid-failure', '/dang-nhap?loi=het_han');

  check(problems.length === 0, `the pages reported errors: ${problems.join('; ')}`);
  check(failures.length === 0, `audit failures:\n${failures.join('\n')}`);
  console.log('vneid test passed');
} finally {
  await browser.close();
}
