// Issue 7's journey in real Chromium with two browser contexts, against the real server:
// - a citizen on a 360 px phone signs in with the phone number and the texted code, then fills a
//   household-business registration through the UI (every step) and sends it from the phone's outbox;
// - the first administrator (through the admin API, with the session's CSRF token) creates an officer
//   of the dossier's commune and one of another commune;
// - the officer on an 800 px tablet signs in, changes the temporary password in the UI, opens the
//   queue, receives the dossier and asks for an amendment of the capital with a note;
// - the citizen sees the request on the phone, corrects the capital and presses "Gửi lại hồ sơ";
// - the officer approves; the citizen's inbox (/thong-bao) says so, the phone's dossier page lists the
//   GCN, and its PDF downloads (200, `%PDF`);
// - the officer of the other commune gets 403/404 for the dossier and does not find it in the queue;
// - the audit log: the officer has no link to it and, opening its address, reads the server's refusal;
//   a supervisor of the commune (made by the administrator) signs in, follows the workspace's link to
//   /can-bo/nhat-ky, finds the officer's read of the dossier under the officer's name, filters by the
//   dossier code (kept in the URL), and sees the same on the dossier's page; the page passes axe-core
//   and the 360 px checks.
// Prints `dossier code: …` for the Rust test.
import { chromium, request } from 'playwright-core';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import { auditor } from './audit.mjs';

const base = process.env.MOTCUA_URL;
const shots = process.env.SCREENSHOT_DIR ?? 'target/browser';
const dataDir = process.env.MOTCUA_DATA_DIR;
const adminName = process.env.MOTCUA_ADMIN_USERNAME;
const adminPassword = process.env.MOTCUA_ADMIN_PASSWORD;
if (!base || !dataDir) throw new Error('MOTCUA_URL and MOTCUA_DATA_DIR must be set');
if (!adminName || !adminPassword) throw new Error('the server created no first administrator');
mkdirSync(shots, { recursive: true });

const PHONE = '0912345678';

function check(condition, message) {
  if (!condition) throw new Error(message);
}

function lastCode(phone) {
  const lines = readFileSync(join(dataDir, 'sms.log'), 'utf8').trim().split('\n')
    .filter((l) => l.split('\t')[1] === phone);
  check(lines.length > 0, `no SMS to ${phone} in sms.log`);
  const code = lines.at(-1).split('\t')[2].match(/\b(\d{6})\b/);
  check(code, `no 6-digit code in the SMS: ${lines.at(-1)}`);
  return code[1];
}

/** A signed-in staff API client (cookies kept), its CSRF token. */
async function staffApi(username, password) {
  const api = await request.newContext({ baseURL: base });
  const res = await api.post('/api/v1/auth/staff', { data: { username, password } });
  check(res.ok(), `${username} signs in: ${res.status()} ${await res.text()}`);
  return { api, csrf: (await res.json()).csrf_token };
}

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync'],
});
const problems = [];
function watch(page, who) {
  page.on('pageerror', (err) => problems.push(`${who}: page error: ${err.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error' && !/Failed to load resource/.test(m.text())) problems.push(`${who}: console error: ${m.text()}`);
  });
  page.on('dialog', (d) => d.accept());
}
async function open(page, path) {
  await page.goto(`${base}${path}`, { waitUntil: 'domcontentloaded' });
  await page.waitForSelector('html[data-hydrated="true"]', { timeout: 30000 })
    .catch(() => { throw new Error(`${path}: the WASM app did not start within 30 s; ${problems.join('; ')}`); });
}

try {
  // ── The administrator's API session (temporary password changed first) ─────────────────────────
  const admin = await staffApi(adminName, adminPassword);
  const adminNew = 'quản trị viên hành trình 2026';
  let res = await admin.api.post('/api/v1/auth/staff/password', {
    headers: { 'X-CSRF-Token': admin.csrf },
    data: { current_password: adminPassword, new_password: adminNew },
  });
  check(res.status() === 204, `the administrator changes the password: ${res.status()} ${await res.text()}`);

  // ── The citizen on a phone: sign in, then register through the UI ───────────────────────────────
  const phoneContext = await browser.newContext({ viewport: { width: 360, height: 740 }, locale: 'vi-VN' });
  const phone = await phoneContext.newPage();
  watch(phone, 'phone');
  await open(phone, '/dang-nhap');
  await phone.fill('#signin-phone', PHONE);
  await phone.click('button[type=submit]:has-text("Gửi mã xác thực")');
  await phone.waitForSelector('#signin-code', { timeout: 10000 });
  await phone.fill('#signin-code', lastCode(PHONE));
  await phone.click('button[type=submit]:has-text("Đăng nhập")');
  await phone.waitForURL(/\/ho-so$/, { timeout: 10000 });

  async function next(expectUrl) {
    await phone.click('button[type=submit]:has-text("Tiếp tục")');
    await phone.waitForURL(expectUrl, { timeout: 10000 });
  }
  await open(phone, '/thu-tuc/dang-ky-ho-kinh-doanh');
  await phone.click('text=Nộp hồ sơ trực tuyến');
  await phone.waitForURL(/\/soan\/[0-9a-f-]{36}\/noi-nop$/, { timeout: 10000 });
  const office = await phone.locator('#f-office option').nth(1).getAttribute('value');
  const otherOffice = await phone.locator('#f-office option').nth(2).getAttribute('value');
  check(office && otherOffice && office !== otherOffice, `two communes to choose from: ${office}, ${otherOffice}`);
  await phone.selectOption('#f-office', office);
  await next(/\/chu-ho$/);
  await phone.fill('#f-owner-full_name', 'Nguyễn Thị Ba');
  await phone.fill('#f-owner-birth_date', '02/03/1985');
  await phone.check('#f-owner-gender-1');
  await phone.fill('#f-owner-id', '051185012345');
  await phone.fill('#f-owner-phone', PHONE);
  await next(/\/ten$/);
  await phone.fill('#f-name-vietnamese', 'Hộ kinh doanh Bánh mì Cô Ba');
  await next(/\/tru-so$/);
  await phone.fill('#f-seat-address-street', '12 Lê Lợi');
  await phone.selectOption('#f-seat-address-commune', office);
  await next(/\/nganh-nghe$/);
  await phone.fill('#f-business_lines-search', 'ban le luong thuc');
  const line = phone.locator('#f-business_lines-search-results .picker-item').first();
  await line.waitFor();
  await line.click();
  await next(/\/von$/);
  await phone.fill('#f-capital', '150000000');
  await phone.locator('#f-capital').blur();
  await next(/\/thue$/);
  await next(/\/chu-the$/);
  await phone.check('#f-founder-0');
  await next(/\/giay-to$/);
  await next(/\/cam-ket$/);
  for (const box of await phone.locator('input[type=checkbox][id^="f-commitments-"]').all()) {
    await box.check();
  }
  await next(/\/kiem-tra$/);
  await phone.click('button[type=submit]:has-text("Nộp hồ sơ")');
  await phone.waitForURL(/\/ho-so\/[0-9a-f-]{36}$/, { timeout: 10000 });
  const dossierPage = new URL(phone.url()).pathname;
  const code = (await phone.locator('.dossier-code').innerText({ timeout: 30000 })).trim();
  check(/^\d{5}-\d{6}-\d{4}$/.test(code), `a dossier code (${code})`);
  console.log(`dossier code: ${code}`);

  // ── Two officers, made by the administrator through the API ─────────────────────────────────────
  async function createOfficer(username, jurisdiction) {
    const r = await admin.api.post('/api/v1/admin/staff', {
      headers: { 'X-CSRF-Token': admin.csrf },
      data: { username, display_name: `Cán bộ ${username}`, role: 'commune_officer', jurisdictions: [jurisdiction] },
    });
    check(r.status() === 201, `the administrator creates ${username}: ${r.status()} ${await r.text()}`);
    return (await r.json()).password;
  }
  const temporary = await createOfficer('can.bo.xa', office);
  const otherTemporary = await createOfficer('can.bo.khac', otherOffice);

  // ── The officer on a tablet ─────────────────────────────────────────────────────────────────────
  const tablet = await (await browser.newContext({ viewport: { width: 800, height: 1100 }, locale: 'vi-VN' })).newPage();
  watch(tablet, 'tablet');
  await open(tablet, '/can-bo/dang-nhap');
  await tablet.fill('#staff-username', 'can.bo.xa');
  await tablet.fill('#staff-password', temporary);
  await tablet.click('button[type=submit]:has-text("Đăng nhập")');
  await tablet.waitForURL(/\/can-bo\/mat-khau$/, { timeout: 10000 });
  const officerPassword = 'núi Ấn sông Trà 2026';
  await tablet.fill('#password-current', temporary);
  await tablet.fill('#password-new', officerPassword);
  await tablet.fill('#password-again', officerPassword);
  await tablet.click('button[type=submit]:has-text("Đổi mật khẩu")');
  await tablet.waitForURL(/\/can-bo$/, { timeout: 10000 });
  const card = tablet.locator(`.queue-list a[href="/can-bo/ho-so/${code}"]`);
  await card.first().waitFor({ timeout: 15000 });
  await card.first().click();
  await tablet.waitForURL(new RegExp(`/can-bo/ho-so/${code}$`), { timeout: 10000 });

  /** Opens the action's form, submits it (the confirm dialog is accepted) and waits for #action-done. */
  async function act(label, fill) {
    await tablet.locator('.action-panel .dossier-actions button', { hasText: label }).first().click({ timeout: 15000 });
    if (fill) await fill();
    const answered = tablet.waitForResponse((r) => r.url().endsWith(`/api/v1/staff/dossiers/${code}/actions`)
      && r.request().method() === 'POST', { timeout: 15000 });
    await tablet.locator('form.action-form button[type=submit]').click();
    const answer = await answered;
    check(answer.status() === 200, `${label}: ${answer.status()} ${await answer.text()}`);
    await tablet.waitForSelector('#action-done', { timeout: 15000 });
  }
  await act('Tiếp nhận hồ sơ');
  await act('Yêu cầu sửa đổi, bổ sung', async () => {
    await tablet.selectOption('#supplement-target-0', 'capital');
    await tablet.fill('#supplement-note-0', 'Vốn kinh doanh ghi chưa đúng; đề nghị ghi 200.000.000 đồng.');
  });
  await tablet.screenshot({ path: `${shots}/journey-officer-supplement.png`, fullPage: true });

  // ── The citizen reads the request, corrects the capital and resubmits ──────────────────────────
  await open(phone, dossierPage);
  await phone.waitForSelector('text=Cơ quan yêu cầu sửa đổi, bổ sung hồ sơ', { timeout: 15000 });
  await phone.waitForSelector('text=đề nghị ghi 200.000.000 đồng', { timeout: 10000 });
  await phone.click('button:has-text("Sửa hồ sơ để gửi bổ sung")');
  await phone.waitForURL(/\/soan\/[0-9a-f-]{36}\/von$/, { timeout: 10000 });
  await phone.fill('#f-capital', '200000000');
  await phone.locator('#f-capital').blur();
  for (let i = 0; i < 8 && !/\/kiem-tra$/.test(phone.url()); i++) {
    await phone.click('button[type=submit]:has-text("Tiếp tục")');
    await phone.waitForTimeout(500);
  }
  check(/\/kiem-tra$/.test(phone.url()), `the check page after the corrected steps (${phone.url()})`);
  await phone.click('button[type=submit]:has-text("Gửi lại hồ sơ")');
  // The outbox sends the resubmission; the server moves the dossier on.
  let state = '';
  for (let i = 0; i < 60; i++) {
    const s = await phone.request.get(`${base}/api/v1/dossiers/${code}?phone=${PHONE}`);
    state = (await s.json()).state;
    if (state !== 'supplement_requested') break;
    await phone.waitForTimeout(500);
  }
  check(state && state !== 'supplement_requested', `the resubmission arrived (state ${state})`);

  // ── The officer approves ────────────────────────────────────────────────────────────────────────
  await open(tablet, `/can-bo/ho-so/${code}`);
  await tablet.waitForSelector('.action-panel', { timeout: 15000 });
  if (await tablet.locator('.action-panel .dossier-actions button', { hasText: 'Bắt đầu giải quyết' }).count() > 0) {
    await act('Bắt đầu giải quyết');
  }
  await act('Phê duyệt, cấp kết quả');

  // ── The citizen is told, sees the result and downloads the GCN ─────────────────────────────────
  let told = false;
  for (let i = 0; i < 30 && !told; i++) {
    await open(phone, '/thong-bao');
    told = await phone.locator('.inbox-list', { hasText: 'xem và tải kết quả' }).count() > 0;
    if (!told) await phone.waitForTimeout(1000);
  }
  check(told, 'the inbox tells the citizen the result is ready');
  await phone.screenshot({ path: `${shots}/journey-inbox.png`, fullPage: true });
  await open(phone, dossierPage);
  const gcn = phone.locator('.issued-documents a').first();
  await gcn.waitFor({ timeout: 15000 });
  const href = await gcn.getAttribute('href');
  const pdf = await phone.request.get(new URL(href, base).toString());
  check(pdf.status() === 200, `the GCN downloads: ${pdf.status()}`);
  const bytes = await pdf.body();
  check(bytes.subarray(0, 4).toString() === '%PDF', 'the GCN is a PDF');
  await phone.screenshot({ path: `${shots}/journey-result.png`, fullPage: true });

  // ── The officer of another commune sees nothing ────────────────────────────────────────────────
  const other = await staffApi('can.bo.khac', otherTemporary);
  res = await other.api.post('/api/v1/auth/staff/password', {
    headers: { 'X-CSRF-Token': other.csrf },
    data: { current_password: otherTemporary, new_password: 'một mật khẩu khác hẳn 2026' },
  });
  check(res.status() === 204, `the other officer changes the password: ${res.status()}`);
  const denied = await other.api.get(`/api/v1/staff/dossiers/${code}`);
  check([403, 404].includes(denied.status()), `another commune's officer is refused the dossier: ${denied.status()}`);
  const queue = await other.api.get('/api/v1/staff/dossiers');
  check(queue.ok(), `the other officer's queue: ${queue.status()}`);
  check(!(await queue.text()).includes(code), 'the dossier is not in the other commune\'s queue');

  // ── The audit log: not for officers ────────────────────────────────────────────────────────────
  await open(tablet, '/can-bo');
  await tablet.locator(`.queue-list a[href="/can-bo/ho-so/${code}"]`).first().waitFor({ timeout: 15000 });
  check(await tablet.locator('a[href^="/can-bo/nhat-ky"]').count() === 0, 'an officer has no link to the audit log');
  await open(tablet, '/can-bo/nhat-ky');
  const refusal = await tablet.locator('.notice-error').first().textContent({ timeout: 15000 });
  check(/Chỉ lãnh đạo, giám sát của đơn vị và quản trị viên/.test(refusal), `the officer reads the server's refusal: ${refusal}`);
  check(await tablet.locator('.audit-table').count() === 0, 'no audit rows for an officer');

  // ── …but for the commune's supervisor ──────────────────────────────────────────────────────────
  res = await admin.api.post('/api/v1/admin/staff', {
    headers: { 'X-CSRF-Token': admin.csrf },
    data: { username: 'lanh.dao.xa', display_name: 'Lãnh đạo Phạm Văn Tư', role: 'supervisor', jurisdictions: [office] },
  });
  check(res.status() === 201, `the administrator creates a supervisor: ${res.status()} ${await res.text()}`);
  const supervisorTemporary = (await res.json()).password;
  const boss = await (await browser.newContext({ viewport: { width: 800, height: 1100 }, locale: 'vi-VN' })).newPage();
  watch(boss, 'supervisor');
  await open(boss, '/can-bo/dang-nhap');
  await boss.fill('#staff-username', 'lanh.dao.xa');
  await boss.fill('#staff-password', supervisorTemporary);
  await boss.click('button[type=submit]:has-text("Đăng nhập")');
  await boss.waitForURL(/\/can-bo\/mat-khau$/, { timeout: 10000 });
  const bossPassword = 'sông Trà Khúc mùa nước lớn';
  await boss.fill('#password-current', supervisorTemporary);
  await boss.fill('#password-new', bossPassword);
  await boss.fill('#password-again', bossPassword);
  await boss.click('button[type=submit]:has-text("Đổi mật khẩu")');
  await boss.waitForURL(/\/can-bo$/, { timeout: 10000 });
  await boss.click('.staff-nav a:has-text("Nhật ký truy cập hồ sơ")', { timeout: 15000 });
  await boss.waitForURL(/\/can-bo\/nhat-ky$/, { timeout: 10000 });
  const officerRead = boss.locator('.audit-table tbody tr', { hasText: 'Cán bộ can.bo.xa' })
    .filter({ hasText: 'Xem hồ sơ' })
    .filter({ has: boss.locator(`a[href="/can-bo/ho-so/${code}"]`) });
  await officerRead.first().waitFor({ timeout: 15000 });
  check(await boss.locator('.audit-table caption').count() === 1, 'the log is a captioned table');
  check(await boss.locator('.audit-table thead th[scope=col]').count() === 5, 'five column headers');
  const actionRow = boss.locator('.audit-table tbody tr', { hasText: 'Phê duyệt, cấp kết quả' });
  check(await actionRow.count() > 0, 'the approval is in the log under its button\'s name');
  const when = (await officerRead.first().locator('th[scope=row]').innerText()).trim();
  check(/^\d{2}\/\d{2}\/\d{4} \d{2}:\d{2}$/.test(when), `the time reads dd/mm/yyyy HH:mm: ${when}`);
  await boss.screenshot({ path: `${shots}/journey-audit-log.png`, fullPage: true });
  const failures = [];
  const audit = auditor(boss, failures, shots);
  await boss.setViewportSize({ width: 360, height: 740 });
  await audit('audit-log', '/can-bo/nhat-ky');
  await boss.setViewportSize({ width: 800, height: 1100 });

  // The dossier's own log, by its code (kept in the address), oldest first: the officer's read leads.
  await boss.fill('#audit-dossier', code);
  await boss.click('button[type=submit]:has-text("Xem nhật ký")');
  await boss.waitForURL(new RegExp(`/can-bo/nhat-ky\\?dia-ban=${office}&ho-so=${code}$`), { timeout: 10000 });
  await boss.waitForSelector(`.audit-table caption:has-text("Hồ sơ ${code}")`, { timeout: 15000 });
  const first = boss.locator('.audit-table tbody tr').first();
  check(/Cán bộ can\.bo\.xa/.test(await first.innerText()) && /Xem hồ sơ/.test(await first.innerText()),
    `the dossier's log starts with the officer's read: ${await first.innerText()}`);
  await boss.setViewportSize({ width: 360, height: 740 });
  await audit('audit-log-dossier', `/can-bo/nhat-ky?ho-so=${code}`);
  check(failures.length === 0, `accessibility or layout failures:\n${failures.join('\n')}`);
  await boss.setViewportSize({ width: 800, height: 1100 });

  // The same on the dossier's page, for the supervisor.
  await open(boss, `/can-bo/ho-so/${code}`);
  const section = boss.locator('section.dossier-audit');
  await section.locator('.audit-table tbody tr', { hasText: 'Cán bộ can.bo.xa' }).first().waitFor({ timeout: 15000 });
  check(await section.locator('h2:has-text("Nhật ký truy cập hồ sơ")').count() === 1, 'the dossier page has the log section');
  check(await boss.locator('.action-panel').count() === 0, 'a supervisor has no actions');

  check(problems.length === 0, problems.join('\n'));
  console.log('journey test passed');
} finally {
  await browser.close();
}
