// Accounts in the browser, on a 360 px phone and a 800 px tablet, against the real server:
// - a citizen signs in with the phone number and the code the server "texts" (the development SMS sink
//   writes it to <data-dir>/sms.log): an empty number and a wrong code are refused with a message, the
//   right code signs in, the header shows the number (masked), the account page says as whom, sign-out
//   works;
// - the first administrator signs in, is sent to change the temporary password, then on the staff
//   page sees every field the domain refuses in an error summary, creates a commune officer for Lý Sơn,
//   reads the temporary password shown once, opens the audit log of a commune (nothing read there yet),
//   and signs out;
// - the new officer signs in with it, must change it, and lands on the workspace.
// Every page is checked with axe-core and for sideways scrolling at 360 px (text 100 % and 200 %).
// Prints `officer: <login>` for the Rust test.
import { chromium } from 'playwright-core';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import { auditor } from './audit.mjs';

const base = process.env.MOTCUA_URL;
const shots = process.env.SCREENSHOT_DIR ?? 'target/browser';
const dataDir = process.env.MOTCUA_DATA_DIR;
const adminName = process.env.MOTCUA_ADMIN_USERNAME;
const adminPassword = process.env.MOTCUA_ADMIN_PASSWORD;
if (!base || !dataDir) throw new Error('MOTCUA_URL and MOTCUA_DATA_DIR must be set');
if (!adminName || !adminPassword) throw new Error('the server created no first administrator (MOTCUA_ADMIN_PASSWORD is not set)');
mkdirSync(shots, { recursive: true });

function check(condition, message) {
  if (!condition) throw new Error(message);
}

/** The newest code the SMS sink wrote for `phone` (national form, digits only). */
function lastCode(phone) {
  const lines = readFileSync(join(dataDir, 'sms.log'), 'utf8').trim().split('\n')
    .filter((l) => l.split('\t')[1] === phone);
  check(lines.length > 0, `no SMS to ${phone} in sms.log`);
  const code = lines.at(-1).split('\t')[2].match(/\b(\d{6})\b/);
  check(code, `no 6-digit code in the SMS: ${lines.at(-1)}`);
  return code[1];
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
    // A refused sign-in is an answer the page shows, not a fault (Chromium logs every 4xx).
    if (m.type() === 'error' && !/Failed to load resource/.test(m.text())) problems.push(`console error: ${m.text()}`);
  });
}
async function open(page, path) {
  await page.goto(`${base}${path}`, { waitUntil: 'domcontentloaded' });
  await page.waitForSelector('html[data-hydrated="true"]', { timeout: 30000 })
    .catch(() => { throw new Error(`${path}: the WASM app did not start within 30 s; ${problems.join('; ')}`); });
}

try {
  // ── A citizen on a phone ──────────────────────────────────────────────────────────────────────────
  const phone = await (await browser.newContext({ viewport: { width: 360, height: 740 }, locale: 'vi-VN' })).newPage();
  watch(phone);
  const audit = auditor(phone, failures, shots);
  await open(phone, '/');
  await phone.waitForSelector('.account-link:has-text("Đăng nhập")', { timeout: 10000 });
  await phone.click('.account-link');
  await phone.waitForURL(/\/dang-nhap$/);
  await phone.click('button[type=submit]:has-text("Gửi mã xác thực")');
  const empty = await phone.textContent('#signin-phone-err', { timeout: 5000 });
  check(/Nhập số điện thoại di động/.test(empty), `an empty number is refused with a message, got: ${empty}`);
  await audit('signin-phone', '/dang-nhap');

  await phone.fill('#signin-phone', '0905 123 456');
  await phone.click('button[type=submit]:has-text("Gửi mã xác thực")');
  await phone.waitForSelector('#signin-code', { timeout: 10000 });
  const sent = await phone.textContent('.notice-info');
  check(sent.includes('0905 •••456'), `the code step names the masked number: ${sent}`);
  check(await phone.isDisabled('button:has-text("Gửi lại mã sau")'), 'resending waits');
  const code = lastCode('0905123456');
  const wrong = code === '000000' ? '111111' : '000000';
  await phone.fill('#signin-code', wrong);
  await phone.click('button[type=submit]:has-text("Đăng nhập")');
  const refused = await phone.textContent('#signin-code-err', { timeout: 10000 });
  check(/Mã không đúng/.test(refused), `a wrong code is refused with what to do: ${refused}`);
  await audit('signin-code', '/dang-nhap');
  await phone.fill('#signin-code', code);
  await phone.click('button[type=submit]:has-text("Đăng nhập")');
  await phone.waitForURL(/\/ho-so$/, { timeout: 10000 });
  await phone.waitForSelector('.account-link:has-text("0905 •••456")', { timeout: 10000 });
  await phone.click('.account-link');
  await phone.waitForSelector('text=Bạn đang đăng nhập bằng số điện thoại 0905123456', { timeout: 10000 });
  await audit('signin-done', '/dang-nhap');
  // Signed in stays signed in across a reload (the HttpOnly cookie), then signing out ends it.
  await open(phone, '/dang-nhap');
  await phone.waitForSelector('button:has-text("Đăng xuất")', { timeout: 10000 });
  await phone.click('button:has-text("Đăng xuất")');
  await phone.waitForSelector('#signin-phone', { timeout: 10000 });
  await phone.waitForSelector('.account-link:has-text("Đăng nhập")', { timeout: 10000 });
  const after = await phone.request.get(`${base}/api/v1/session`);
  check((await after.json()).principal.kind === 'anonymous', 'the session ended on the server');

  // ── The first administrator on a tablet ───────────────────────────────────────────────────────────
  const tablet = await (await browser.newContext({ viewport: { width: 800, height: 1100 }, locale: 'vi-VN' })).newPage();
  watch(tablet);
  await open(tablet, '/can-bo/dang-nhap');
  await tablet.fill('#staff-username', adminName);
  await tablet.fill('#staff-password', 'không phải mật khẩu');
  await tablet.click('button[type=submit]:has-text("Đăng nhập")');
  const bad = await tablet.textContent('#staff-signin-err', { timeout: 10000 });
  check(bad.trim().length > 0, 'a wrong password is refused with a message');
  await tablet.fill('#staff-password', adminPassword);
  await tablet.click('button[type=submit]:has-text("Đăng nhập")');
  await tablet.waitForURL(/\/can-bo\/mat-khau$/, { timeout: 10000 });
  await tablet.waitForSelector('text=Bạn đang dùng mật khẩu tạm thời');
  const newAdminPassword = 'mùa lúa chín ở Nghĩa Hành';
  await tablet.fill('#password-current', adminPassword);
  await tablet.fill('#password-new', newAdminPassword);
  await tablet.fill('#password-again', `${newAdminPassword}!`);
  await tablet.click('button[type=submit]:has-text("Đổi mật khẩu")');
  const differ = await tablet.textContent('#password-err', { timeout: 5000 });
  check(/không giống nhau/.test(differ), `two different new passwords are refused: ${differ}`);
  await tablet.fill('#password-again', newAdminPassword);
  await tablet.click('button[type=submit]:has-text("Đổi mật khẩu")');
  await tablet.waitForURL(/\/quan-tri\/can-bo$/, { timeout: 10000 });
  await tablet.waitForSelector(`.staff-list >> text=${adminName}`, { timeout: 10000 });

  await tablet.click('button[type=submit]:has-text("Tạo tài khoản")');
  await tablet.waitForSelector('.error-summary li', { timeout: 5000 });
  const summary = await tablet.locator('.error-summary li').allTextContents();
  check(summary.length === 3, `the summary lists name, login and jurisdiction: ${summary.join(' | ')}`);
  check(summary.some((s) => /Tên đăng nhập gồm 3–32 ký tự/.test(s)), `the login-name rule is said: ${summary}`);
  await tablet.fill('#new-name', 'Trần Thị Lan');
  await tablet.fill('#new-username', 'tran.lan');
  await tablet.fill('#new-jurisdiction-search', 'ly son');
  await tablet.locator('.choice-scroll label:has-text("Lý Sơn")').first().click();
  await tablet.waitForSelector('text=Đã chọn: Đặc khu Lý Sơn');
  const positions = await tablet.locator('#new-title option').allTextContents();
  check(positions.join('|') === 'Trưởng phòng|Phó Trưởng phòng|Chuyên viên',
    `a commune's account chooses among the Phòng's positions: ${positions.join(' | ')}`);
  await tablet.selectOption('#new-title', 'pho_truong_phong');
  await tablet.click('button[type=submit]:has-text("Tạo tài khoản")');
  await tablet.waitForSelector('#temporary-password .dossier-code', { timeout: 10000 });
  const temporary = (await tablet.textContent('#temporary-password .dossier-code')).trim();
  check(temporary.length >= 10, `a temporary password is shown once: ${temporary}`);
  await tablet.waitForSelector('.staff-list >> text=tran.lan', { timeout: 10000 });
  const card = tablet.locator('.staff-list li', { hasText: 'tran.lan' });
  check(/Đặc khu Lý Sơn/.test(await card.textContent()), 'the new account covers Lý Sơn');
  check(/Phó Trưởng phòng/.test(await card.textContent()), 'the new account is a deputy head of office');
  check(/chưa đổi mật khẩu tạm thời/.test(await card.textContent()), 'the new account must change its password');
  await tablet.setViewportSize({ width: 360, height: 740 });
  const tabletAudit = auditor(tablet, failures, shots);
  await tabletAudit('staff-admin', '/quan-tri/can-bo');
  await tablet.setViewportSize({ width: 800, height: 1100 });
  // The administrator's audit log: any commune, chosen from the list (the choice kept in the URL).
  await tablet.click('.staff-nav a:has-text("Nhật ký truy cập hồ sơ")');
  await tablet.waitForURL(/\/can-bo\/nhat-ky$/, { timeout: 10000 });
  await tablet.waitForSelector('text=Chọn địa bàn hoặc nhập mã hồ sơ', { timeout: 10000 });
  check(await tablet.locator('#audit-jurisdiction option').count() > 90, 'every commune and the Sở Công Thương to choose from');
  await tablet.selectOption('#audit-jurisdiction', { label: 'Đặc khu Lý Sơn' });
  await tablet.click('button[type=submit]:has-text("Xem nhật ký")');
  await tablet.waitForURL(/\/can-bo\/nhat-ky\?dia-ban=\d+$/, { timeout: 10000 });
  await tablet.waitForSelector('text=Chưa có lượt truy cập nào được ghi.', { timeout: 10000 });
  await tablet.click('.staff-nav a:has-text("Tài khoản cán bộ")');
  await tablet.waitForURL(/\/quan-tri\/can-bo$/, { timeout: 10000 });
  await tablet.waitForSelector('.staff-list >> text=tran.lan', { timeout: 10000 });
  await tablet.click('button:has-text("Đăng xuất")');
  await tablet.waitForURL(/\/dang-nhap$/, { timeout: 10000 });

  // ── The new officer ───────────────────────────────────────────────────────────────────────────────
  await open(tablet, '/can-bo/dang-nhap');
  await tabletAudit('staff-signin', '/can-bo/dang-nhap');
  await tablet.fill('#staff-username', 'tran.lan');
  await tablet.fill('#staff-password', temporary);
  await tablet.click('button[type=submit]:has-text("Đăng nhập")');
  await tablet.waitForURL(/\/can-bo\/mat-khau$/, { timeout: 10000 });
  await tabletAudit('staff-password', '/can-bo/mat-khau');
  await tablet.fill('#password-current', temporary);
  await tablet.fill('#password-new', 'biển Lý Sơn xanh trong');
  await tablet.fill('#password-again', 'biển Lý Sơn xanh trong');
  await tablet.click('button[type=submit]:has-text("Đổi mật khẩu")');
  await tablet.waitForURL(/\/can-bo$/, { timeout: 10000 });
  const who = await (await tablet.request.get(`${base}/api/v1/session`)).json();
  check(who.principal.kind === 'staff' && who.principal.username === 'tran.lan' && !who.principal.must_change_password,
    `the officer is signed in with a password of their own: ${JSON.stringify(who.principal)}`);
  console.log('officer: tran.lan');

  check(problems.length === 0, problems.join('\n'));
  check(failures.length === 0, `accessibility or layout failures:\n${failures.join('\n')}`);
  console.log('accounts test passed');
} finally {
  await browser.close();
}
