// Offline first, with submissions that need a signed-in person (issue 16), in Chromium against the real
// server (which answers 401 to a submission nobody signed in for):
// 1. signed out: a registration filled and submitted with no network waits on the phone; when the network
//    returns it is tried once, answered 401, and waits again — "Đăng nhập lại để gửi" on the dossier and on
//    /ho-so, with the link to /dang-nhap?next=… — not retried on `online` or when the page is shown again;
//    after signing in through that link it goes out, once, with the same Idempotency-Key, and the draft
//    moved into the citizen's own store;
// 2. session ended: the same citizen files a second one offline; the session ends meanwhile (the cookie is
//    gone, as when it expires); back online it waits the same way, and after signing in again it goes, once.
// Prints `dossier code: …` twice; the Rust test counts the dossiers in the database.
import { chromium } from 'playwright-core';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const base = process.env.MOTCUA_URL;
const dataDir = process.env.MOTCUA_DATA_DIR;
if (!base || !dataDir) throw new Error('MOTCUA_URL and MOTCUA_DATA_DIR must be set');

const PHONE = '0912000111';

function check(condition, message) {
  if (!condition) throw new Error(message);
}

function smsTo(phone) {
  try {
    return readFileSync(join(dataDir, 'sms.log'), 'utf8').trim().split('\n').filter((l) => l.split('\t')[1] === phone);
  } catch {
    return [];
  }
}

// Submissions seen before the current dossier was filed.
let counted = 0;
// When a sign-in code was last asked for.
let lastCodeAt = 0;

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'],
});
const problems = [];
try {
  const context = await browser.newContext({ viewport: { width: 360, height: 740 }, locale: 'vi-VN' });
  const phone = await context.newPage();
  phone.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
  phone.on('dialog', (d) => d.accept());
  // Every submission the phone sends, with its key and the answer.
  const posts = [];
  phone.on('response', async (res) => {
    const req = res.request();
    if (req.method() === 'POST' && new URL(req.url()).pathname === '/api/v1/dossiers') {
      posts.push({ key: req.headers()['idempotency-key'], status: res.status() });
    }
  });
  async function open(path) {
    await phone.goto(`${base}${path}`, { waitUntil: 'domcontentloaded' });
    await phone.waitForSelector('html[data-hydrated="true"]', { timeout: 30000 });
  }
  async function next(expectUrl) {
    await phone.click('button[type=submit]:has-text("Tiếp tục")');
    await phone.waitForURL(expectUrl, { timeout: 10000 });
  }
  async function eventually(what, probe, timeout = 15000) {
    const deadline = Date.now() + timeout;
    for (;;) {
      if (await probe()) return;
      if (Date.now() > deadline) throw new Error(what);
      await phone.waitForTimeout(100);
    }
  }
  async function signIn() {
    // The server sends one code a minute to a number.
    const wait = lastCodeAt + 61000 - Date.now();
    if (wait > 0) await phone.waitForTimeout(wait);
    lastCodeAt = Date.now();
    await phone.fill('#signin-phone', PHONE);
    const before = smsTo(PHONE).length;
    await phone.click('button[type=submit]:has-text("Gửi mã xác thực")');
    await phone.waitForSelector('#signin-code', { timeout: 10000 });
    await eventually('a code was texted', () => smsTo(PHONE).length > before);
    await phone.fill('#signin-code', smsTo(PHONE).at(-1).split('\t')[2].match(/\b(\d{6})\b/)[1]);
    await phone.click('button[type=submit]:has-text("Đăng nhập")');
  }
  /** Fills a registration and submits it with the network cut; answers the draft's id. */
  async function fileOffline(businessName) {
    await open('/thu-tuc/dang-ky-ho-kinh-doanh');
    await phone.click('text=Nộp hồ sơ trực tuyến');
    await phone.waitForURL(/\/soan\/[0-9a-f-]{36}\/noi-nop$/, { timeout: 10000 });
    const id = new URL(phone.url()).pathname.split('/')[2];
    const office = await phone.locator('#f-office option').nth(1).getAttribute('value');
    await phone.selectOption('#f-office', office);
    await next(/\/chu-ho$/);
    await phone.fill('#f-owner-full_name', 'Lê Văn Tám');
    await phone.fill('#f-owner-birth_date', '08/08/1980');
    await phone.check('#f-owner-gender-0');
    await phone.fill('#f-owner-id', '051080012888');
    await phone.fill('#f-owner-phone', PHONE);
    await next(/\/ten$/);
    await phone.fill('#f-name-vietnamese', businessName);
    await next(/\/tru-so$/);
    await phone.fill('#f-seat-address-street', '8 Quang Trung');
    await phone.selectOption('#f-seat-address-commune', office);
    await next(/\/nganh-nghe$/);
    await phone.fill('#f-business_lines-search', 'ban le luong thuc');
    const line = phone.locator('#f-business_lines-search-results .picker-item').first();
    await line.waitFor();
    await line.click();
    await next(/\/von$/);
    await phone.fill('#f-capital', '90000000');
    await phone.locator('#f-capital').blur();
    await next(/\/thue$/);
    await next(/\/chu-the$/);
    await phone.check('#f-founder-0');
    await next(/\/giay-to$/);
    await next(/\/cam-ket$/);
    for (const box of await phone.locator('input[type=checkbox][id^="f-commitments-"]').all()) await box.check();
    await next(/\/kiem-tra$/);
    await context.setOffline(true);
    await phone.click('button[type=submit]:has-text("Nộp hồ sơ")');
    await phone.waitForURL(new RegExp(`/ho-so/${id}$`), { timeout: 10000 });
    await phone.waitForSelector('text=Đang chờ gửi', { timeout: 10000 });
    check(posts.length === counted, 'nothing is sent with no network');
    return id;
  }

  /** Back online: one try, answered 401, then it waits for a sign-in — and is not tried again. */
  async function waitsForSignIn(id) {
    const before = posts.length;
    await context.setOffline(false);
    await phone.waitForSelector('.sign-in-to-send >> text=Đăng nhập lại để gửi', { timeout: 20000 });
    check(posts.length === before + 1 && posts.at(-1).status === 401, `one try, refused for want of a sign-in: ${JSON.stringify(posts.slice(before))}`);
    const link = await phone.getAttribute('.sign-in-to-send a', 'href');
    check(link === `/dang-nhap?next=${encodeURIComponent(`/ho-so/${id}`)}`, `the link signs in and comes back: ${link}`);
    // The network drops and returns, the page is hidden and shown: no retry loop.
    await context.setOffline(true);
    await context.setOffline(false);
    await phone.evaluate(() => document.dispatchEvent(new Event('visibilitychange')));
    await phone.waitForTimeout(3000);
    check(posts.length === before + 1, `not retried while nobody is signed in: ${JSON.stringify(posts.slice(before))}`);
    await open('/ho-so');
    const card = phone.locator('.dossier-card', { hasText: 'Chờ đăng nhập' });
    await card.waitFor({ timeout: 10000 }).catch(async (e) => {
      throw new Error(`${e.message}\n/ho-so shows: ${await phone.locator('main').innerText().catch(() => '?')}`);
    });
    check(await card.locator('a:has-text("Đăng nhập lại để gửi")').count() === 1, '/ho-so says it too, with the link');
    check(posts.length === before + 1, 'opening the app again does not resend it');
    return before;
  }

  /** Signs in through the link; the dossier goes out once, with the key of the refused try. */
  async function sentOnceAfterSignIn(id, before) {
    await open(`/ho-so/${id}`);
    await phone.click('.sign-in-to-send a');
    await phone.waitForURL(/\/dang-nhap\?next=/, { timeout: 10000 });
    await phone.waitForSelector('#signin-phone', { timeout: 10000 });
    await signIn();
    await phone.waitForURL(new RegExp(`/ho-so/${id}$`), { timeout: 10000 });
    const code = (await phone.locator('.dossier-code').innerText({ timeout: 30000 })).trim();
    check(/^\d{5}-\d{6}-\d{4}$/.test(code), `a dossier code (${code})`);
    const tries = posts.slice(before);
    check(tries.length === 2 && [401, 201].every((s, i) => tries[i].status === s), `refused once, then accepted once: ${JSON.stringify(tries)}`);
    check(tries[0].key === tries[1].key, `the same Idempotency-Key both times: ${JSON.stringify(tries)}`);
    await open('/ho-so');
    await phone.waitForSelector(`text=Đã nộp — mã hồ sơ ${code}`, { timeout: 10000 });
    await phone.waitForTimeout(2000);
    check(posts.length === before + 2, `nothing more is sent: ${JSON.stringify(posts.slice(before))}`);
    counted = posts.length;
    console.log(`dossier code: ${code}`);
    return code;
  }

  // ── 1. Signed out ──────────────────────────────────────────────────────────────────────────────
  await open('/');
  const first = await fileOffline('Hộ kinh doanh Tạp hóa Tám');
  const before1 = await waitsForSignIn(first);
  await sentOnceAfterSignIn(first, before1);
  const stores = await phone.evaluate(async () => (await indexedDB.databases()).map((d) => d.name));
  check(stores.some((n) => /^motcua-p-[0-9a-f]{64}$/.test(n)), `the citizen has a store of their own: ${stores}`);

  // ── 2. The session ends while the dossier waits offline ────────────────────────────────────────
  const second = await fileOffline('Hộ kinh doanh Cơm gà Tám');
  await context.clearCookies();
  const before2 = await waitsForSignIn(second);
  await sentOnceAfterSignIn(second, before2);

  check(problems.length === 0, problems.join('\n'));
  console.log('sign-in wait test passed');
} finally {
  await browser.close();
}
