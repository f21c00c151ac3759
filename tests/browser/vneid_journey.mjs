// Issue 16's journey in Chromium, against the real server and a real OpenID provider
// (tests/oidc/provider.mjs at OIDC_ISSUER), with two people on two 360 px phones:
// 1. Nguyễn Văn An signs in with the national e-identity (VNeID) at the provider; a new household-business
//    registration's owner block is filled from the verified identity and cannot be typed over;
// 2. the signal goes after the owner step: he fills the rest and presses "Nộp hồ sơ" with no network — the
//    dossier waits on the phone ("Đang chờ gửi"), nothing is sent; when the network returns it goes out
//    once and the receipt's code shows;
// 3. an officer of the commune (made by the first administrator through the admin API) receives and
//    approves it through the staff API: the business is in the registry under the code the approval
//    gives;
// 4. Trần Thị Bình, signed in with her own e-identity on another phone, files the termination of that
//    business as its owner: the server refuses, and her phone says why and what to do (choose
//    «Người được ủy quyền» and attach the authorisation); she is not told the owner's name;
// 5. An files the change of the business's capital from his phone: accepted, a receipt with a code.
// Prints `registration code: …`, `business code: …`, `change code: …` for the Rust test.
import { chromium, request } from 'playwright-core';
import { mkdirSync } from 'node:fs';

import { auditor } from './audit.mjs';

const base = process.env.MOTCUA_URL;
const issuer = process.env.OIDC_ISSUER;
const shots = process.env.SCREENSHOT_DIR ?? 'target/browser';
const adminName = process.env.MOTCUA_ADMIN_USERNAME;
const adminPassword = process.env.MOTCUA_ADMIN_PASSWORD;
if (!base || !issuer) throw new Error('MOTCUA_URL and OIDC_ISSUER must be set');
if (!adminName || !adminPassword) throw new Error('the server created no first administrator');
mkdirSync(shots, { recursive: true });

function check(condition, message) {
  if (!condition) throw new Error(message);
}

// dd/mm/yyyy of today + `days` on the phone's clock (the server judges the same calendar).
function dayFromNow(days) {
  const d = new Date();
  d.setDate(d.getDate() + days);
  const two = (n) => String(n).padStart(2, '0');
  return `${two(d.getDate())}/${two(d.getMonth() + 1)}/${d.getFullYear()}`;
}

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
const problems = [];
const failures = [];

/** A phone: a browser context of its own, its page, and every submission it sends. */
async function phone(who) {
  const context = await browser.newContext({ viewport: { width: 360, height: 740 }, locale: 'vi-VN' });
  const page = await context.newPage();
  let offline = false;
  page.on('pageerror', (err) => problems.push(`${who}: page error: ${err.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error' && !/Failed to load resource/.test(m.text())
      && !(offline && /ERR_INTERNET_DISCONNECTED|Failed to fetch/.test(m.text()))) {
      problems.push(`${who}: console error: ${m.text()}`);
    }
  });
  page.on('dialog', (d) => d.accept());
  const posts = [];
  page.on('response', (res) => {
    const req = res.request();
    if (req.method() === 'POST' && new URL(req.url()).pathname === '/api/v1/dossiers') {
      posts.push({ key: req.headers()['idempotency-key'], status: res.status() });
    }
  });
  return {
    context,
    page,
    posts,
    async setOffline(value) {
      offline = value;
      await context.setOffline(value);
    },
    async open(path) {
      await page.goto(`${base}${path}`, { waitUntil: 'domcontentloaded' });
      await page.waitForSelector('html[data-hydrated="true"]', { timeout: 30000 })
        .catch(() => { throw new Error(`${who} ${path}: the WASM app did not start within 30 s; ${problems.join('; ')}`); });
    },
    async next(expectUrl) {
      await page.click('button[type=submit]:has-text("Tiếp tục")');
      await page.waitForURL(expectUrl, { timeout: 10000 })
        .catch(async (e) => {
          const errors = await page.locator('.error-summary, .field-error').allInnerTexts().catch(() => []);
          throw new Error(`${who}: ${e.message}\nthe page says: ${errors.join(' | ')}`);
        });
    },
    /** Signs in at the provider as its test citizen `account`; back on `next`. */
    async signInWithVneid(account, name, next) {
      await this.open(`/dang-nhap?next=${encodeURIComponent(next)}`);
      await page.click('a.button-vneid');
      await page.waitForURL((u) => u.toString().startsWith(issuer), { timeout: 15000 });
      await page.click(`button[name=account][value="${account}"]`);
      await page.waitForURL(`${base}${next}`, { timeout: 15000, waitUntil: 'domcontentloaded' })
        .catch(async () => { throw new Error(`${who}: back from the provider at ${page.url()}: ${(await page.textContent('body')).slice(0, 500)}`); });
      await page.waitForSelector('html[data-hydrated="true"]', { timeout: 30000 });
      await page.waitForSelector(`.account-link:has-text("${name}")`, { timeout: 10000 });
    },
  };
}

/** A signed-in staff API client (cookies kept), its CSRF token, its temporary password changed. */
async function staffApi(username, password, newPassword) {
  const api = await request.newContext({ baseURL: base });
  const res = await api.post('/api/v1/auth/staff', { data: { username, password } });
  check(res.ok(), `${username} signs in: ${res.status()} ${await res.text()}`);
  const csrf = (await res.json()).csrf_token;
  const changed = await api.post('/api/v1/auth/staff/password', {
    headers: { 'X-CSRF-Token': csrf },
    data: { current_password: password, new_password: newPassword },
  });
  check(changed.status() === 204, `${username} changes the temporary password: ${changed.status()} ${await changed.text()}`);
  return { api, csrf };
}

try {
  // ── 1. An signs in with VNeID; the owner block comes from the verified identity ─────────────────
  const an = await phone('An');
  const p = an.page;
  const audit = auditor(p, failures, shots);
  await an.signInWithVneid('nguyen-van-an', 'Nguyễn Văn An', '/ho-so');
  await an.open('/thu-tuc/dang-ky-ho-kinh-doanh');
  await p.click('text=Nộp hồ sơ trực tuyến');
  await p.waitForURL(/\/soan\/[0-9a-f-]{36}\/noi-nop$/, { timeout: 15000 });
  await p.waitForSelector('html[data-hydrated="true"]', { timeout: 30000 });
  const draft = new URL(p.url()).pathname.split('/')[2];
  const office = await p.locator('#f-office option').nth(1).getAttribute('value');
  check(/^\d{5}$/.test(office ?? ''), `a commune office to choose: ${office}`);
  await p.selectOption('#f-office', office);
  await an.next(/\/chu-ho$/);
  await p.waitForFunction(() => document.querySelector('#f-owner-full_name')?.value === 'Nguyễn Văn An', null, { timeout: 10000 })
    .catch(async () => { throw new Error(`the owner's name is not filled in: "${await p.inputValue('#f-owner-full_name')}"`); });
  check(await p.inputValue('#f-owner-id') === '051090000145', 'the identity number is filled in');
  check(await p.inputValue('#f-owner-birth_date') === '17/05/1990', 'the birth date is filled in');
  for (const field of ['#f-owner-full_name', '#f-owner-id', '#f-owner-birth_date']) {
    check(await p.getAttribute(field, 'readonly') !== null, `${field} cannot be typed over`);
    // Typing into it changes nothing.
    await p.locator(field).press('End');
    await p.keyboard.type('9');
  }
  check(await p.inputValue('#f-owner-id') === '051090000145', 'typing does not change the identity number');
  check(await p.inputValue('#f-owner-full_name') === 'Nguyễn Văn An', 'typing does not change the name');
  await audit('vneid-journey-owner', `/soan/${draft}/chu-ho`);
  if (!(await p.isChecked('#f-owner-gender-0')) && !(await p.isChecked('#f-owner-gender-1'))) {
    await p.check('#f-owner-gender-0');
  }
  if ((await p.inputValue('#f-owner-phone')) === '') await p.fill('#f-owner-phone', '0935111222');
  const ownerPhone = await p.inputValue('#f-owner-phone');

  // ── 2. No signal from here on: the rest is filled and submitted offline ──────────────────────────
  await an.setOffline(true);
  const reachable = await p.evaluate(() => fetch('/api/v1/procedures').then(() => true, () => false));
  check(!reachable, 'the network is still reachable offline: the test would prove nothing');
  await an.next(/\/ten$/);
  await p.fill('#f-name-vietnamese', 'Hộ kinh doanh Tạp hóa An Lý Sơn');
  await an.next(/\/tru-so$/);
  await p.fill('#f-seat-address-street', '25 thôn Đông');
  await p.selectOption('#f-seat-address-commune', office);
  await an.next(/\/nganh-nghe$/);
  await p.fill('#f-business_lines-search', 'ban le luong thuc');
  const line = p.locator('#f-business_lines-search-results .picker-item').first();
  await line.waitFor({ timeout: 10000 });
  await line.click();
  await an.next(/\/von$/);
  await p.fill('#f-capital', '120000000');
  await p.locator('#f-capital').blur();
  await an.next(/\/thue$/);
  await an.next(/\/chu-the$/);
  await p.check('#f-founder-0');
  await an.next(/\/giay-to$/);
  await an.next(/\/cam-ket$/);
  for (const box of await p.locator('input[type=checkbox][id^="f-commitments-"]').all()) await box.check();
  await an.next(/\/kiem-tra$/);
  check(await p.locator('#error-summary').count() === 0, 'the check page finds no error');
  await p.click('button[type=submit]:has-text("Nộp hồ sơ")');
  await p.waitForURL(new RegExp(`/ho-so/${draft}$`), { timeout: 10000 });
  await p.waitForSelector('text=Đang chờ gửi', { timeout: 10000 });
  await p.waitForTimeout(1000);
  check(an.posts.length === 0, `nothing is sent with no network: ${JSON.stringify(an.posts)}`);
  await p.screenshot({ path: `${shots}/vneid-journey-waiting.png`, fullPage: true });

  // Back online: it goes out once, and the receipt shows its code.
  await an.setOffline(false);
  const registration = (await p.locator('.dossier-code').innerText({ timeout: 30000 })).trim();
  check(/^\d{5}-\d{6}-\d{4}$/.test(registration), `a dossier code (${registration})`);
  await p.waitForTimeout(2000);
  check(an.posts.length === 1 && an.posts[0].status === 201, `sent once, accepted: ${JSON.stringify(an.posts)}`);
  console.log(`registration code: ${registration}`);

  // ── 3. The commune's officer approves it (staff API) ─────────────────────────────────────────────
  const admin = await staffApi(adminName, adminPassword, 'quản trị viên định danh 2026');
  let res = await admin.api.post('/api/v1/admin/staff', {
    headers: { 'X-CSRF-Token': admin.csrf },
    data: { username: 'can.bo.ly.son', display_name: 'Cán bộ Lý Sơn', role: 'commune_officer', jurisdictions: [office] },
  });
  check(res.status() === 201, `the administrator creates an officer: ${res.status()} ${await res.text()}`);
  const officer = await staffApi('can.bo.ly.son', (await res.json()).password, 'đảo Lý Sơn tỏi thơm 2026');
  let approval = '';
  for (const action of ['receive', 'start_processing', 'approve']) {
    res = await officer.api.post(`/api/v1/staff/dossiers/${registration}/actions`, {
      headers: { 'X-CSRF-Token': officer.csrf },
      data: { action },
    });
    approval = await res.text();
    check(res.status() === 200, `the officer's ${action}: ${res.status()} ${approval}`);
  }
  const business = approval.match(/mã số hộ kinh doanh (\d{12,13})/)?.[1];
  check(business, `the approval names the business code: ${approval.slice(0, 600)}`);
  console.log(`business code: ${business}`);

  // ── 4. Bình, another identity, files its termination as the owner: refused, and told why ─────────
  const binh = await phone('Bình');
  const q = binh.page;
  await binh.signInWithVneid('tran-thi-binh', 'Trần Thị Bình', '/ho-so');
  await binh.open('/thu-tuc/cham-dut-ho-kinh-doanh');
  await q.click('text=Nộp hồ sơ trực tuyến');
  await q.waitForURL(/\/soan\/[0-9a-f-]{36}\/ho-kinh-doanh$/, { timeout: 15000 });
  await q.waitForSelector('html[data-hydrated="true"]', { timeout: 30000 });
  const binhDraft = new URL(q.url()).pathname.split('/')[2];
  await q.fill('#f-hkd_code', business);
  await q.click('button:has-text("Điền thông tin đã đăng ký theo mã số")');
  await q.locator('.prefill .notice-ok', { hasText: 'Tạp hóa An Lý Sơn' }).waitFor({ timeout: 10000 });
  check(await q.inputValue('#f-office') === office, 'the registered office is filled in');
  await binh.next(/\/nguoi-ky$/);
  await q.check('#f-filer-0');
  // The signatory is the signed-in person, from the e-identity: not typed.
  check(await q.inputValue('#f-signatory_name') === 'Trần Thị Bình', 'the signatory is the signed-in citizen');
  check(await q.getAttribute('#f-signatory_name', 'readonly') !== null, 'the signatory cannot be typed over');
  await q.fill('#f-filer_phone', '0977222333');
  await binh.next(/\/giay-to$/);
  await binh.next(/\/cam-ket$/);
  await q.check('#f-commitments-debts_settled');
  await q.check('#f-commitments-responsible');
  await binh.next(/\/kiem-tra$/);
  await q.click('button[type=submit]:has-text("Nộp hồ sơ")');
  await q.waitForURL(new RegExp(`/ho-so/${binhDraft}$`), { timeout: 10000 });
  const refusal = q.locator('.error-summary[role=alert]');
  await refusal.waitFor({ timeout: 30000 })
    .catch(async () => { throw new Error(`no refusal shown; the page says: ${await q.locator('main').innerText()}`); });
  const said = await refusal.innerText();
  check(said.includes('Hồ sơ chưa được nhận'), `the refusal is headed: ${said}`);
  check(said.includes(`Số định danh của bạn không phải của chủ hộ kinh doanh ${business}`), `it says why: ${said}`);
  check(said.includes('Người được ủy quyền') && said.includes('văn bản ủy quyền'), `it says what to do: ${said}`);
  // (The business's code is its owner's identity number by law, NĐ 168/2025 art. 91: printed on its
  // certificate; the owner's name is not told.)
  check(!said.includes('Nguyễn Văn An'), `it does not name the owner: ${said}`);
  check(await refusal.locator('a:has-text("Sửa hồ sơ")').count() === 1, 'it offers to fix the dossier');
  check(binh.posts.length === 1 && binh.posts[0].status === 403, `one try, refused: ${JSON.stringify(binh.posts)}`);
  await q.waitForTimeout(2000);
  check(binh.posts.length === 1, `a refusal is not retried: ${JSON.stringify(binh.posts)}`);
  await q.screenshot({ path: `${shots}/vneid-journey-refused.png`, fullPage: true });
  const binhAudit = auditor(q, failures, shots);
  await binhAudit('vneid-journey-refused', `/ho-so/${binhDraft}`);
  await binh.open('/ho-so');
  // Refused, the dossier is back among the drafts to be fixed, and its card says so, with the reason.
  const back = q.locator('.dossier-card', { hasText: 'Tạp hóa An Lý Sơn' }).filter({ hasText: 'Bị trả lại: cần sửa' });
  await back.waitFor({ timeout: 10000 })
    .catch(async (e) => { throw new Error(`${e.message}\n/ho-so shows: ${await q.locator('main').innerText()}`); });
  check(await back.locator(`a[href="/ho-so/${binhDraft}"]:has-text("Xem lý do")`).count() === 1, 'the card links to the reason');
  await binhAudit('vneid-journey-drafts', '/ho-so');

  // ── 5. An, the owner, files the change of the capital: accepted ─────────────────────────────────
  await an.open('/thu-tuc/thay-doi-ho-kinh-doanh');
  await p.click('text=Nộp hồ sơ trực tuyến');
  await p.waitForURL(/\/soan\/[0-9a-f-]{36}\/ho-kinh-doanh$/, { timeout: 15000 });
  await p.waitForSelector('html[data-hydrated="true"]', { timeout: 30000 });
  await p.fill('#f-hkd_code', business);
  await p.click('button:has-text("Điền thông tin đã đăng ký theo mã số")');
  await p.locator('.prefill .notice-ok', { hasText: 'Tạp hóa An Lý Sơn' }).waitFor({ timeout: 10000 });
  await p.fill('#f-contact_phone', ownerPhone);
  check(await p.inputValue('#f-signatory_name') === 'Nguyễn Văn An', 'the signatory is the owner, from the e-identity');
  await an.next(/\/noi-dung$/);
  await p.getByLabel('Thay đổi vốn kinh doanh').check();
  await an.next(/\/doi-von$/);
  await p.fill('#f-change_capital-capital', '180000000');
  await p.locator('#f-change_capital-capital').blur();
  await p.check('#f-change_capital-method-0');
  await p.fill('#f-change_capital-changed_on', dayFromNow(0));
  await an.next(/\/khac$/);
  await an.next(/\/giay-to$/);
  await an.next(/\/cam-ket$/);
  await p.check('#f-commitments-truthful');
  await an.next(/\/kiem-tra$/);
  const before = an.posts.length;
  await p.click('button[type=submit]:has-text("Nộp hồ sơ")');
  await p.waitForURL(/\/ho-so\/[0-9a-f-]{36}$/, { timeout: 10000 });
  const change = (await p.locator('.dossier-code').innerText({ timeout: 30000 })
    .catch(async () => { throw new Error(`the owner's change was not accepted; the page says: ${await p.locator('main').innerText()}`); })).trim();
  check(/^\d{5}-\d{6}-\d{4}$/.test(change), `a dossier code for the change (${change})`);
  check(an.posts.length === before + 1 && an.posts.at(-1).status === 201, `the change went once: ${JSON.stringify(an.posts.slice(before))}`);
  console.log(`change code: ${change}`);

  check(problems.length === 0, problems.join('\n'));
  check(failures.length === 0, `audit failures:\n${failures.join('\n')}`);
  console.log('vneid journey test passed');
} finally {
  await browser.close();
}
