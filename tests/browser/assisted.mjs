// Assisted submission in the browser (issue 7): an officer of a commune, made by the first
// administrator through the admin API, signs in on an 800 px tablet, changes the temporary password,
// starts a termination notice from the workspace ("Nộp hồ sơ giúp người dân tại quầy"), fills it for
// the citizen at the counter, texts the citizen the confirmation code from the check page, types the
// code the citizen reads out (from the development SMS sink) and submits. Prints `dossier code: …`;
// the Rust test checks the channel `assisted` and the officer in the database.
import { chromium, request } from 'playwright-core';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const base = process.env.MOTCUA_URL;
const dataDir = process.env.MOTCUA_DATA_DIR;
const adminName = process.env.MOTCUA_ADMIN_USERNAME;
const adminPassword = process.env.MOTCUA_ADMIN_PASSWORD;
if (!base || !dataDir || !adminName || !adminPassword) throw new Error('MOTCUA_URL, MOTCUA_DATA_DIR and the first administrator must be set');

const CITIZEN = '0935111222';

function check(condition, message) {
  if (!condition) throw new Error(message);
}

function smsTo(phone) {
  let log = '';
  try {
    log = readFileSync(join(dataDir, 'sms.log'), 'utf8');
  } catch {
    return []; // no text message sent yet
  }
  return log.trim().split('\n')
    .filter((l) => l.split('\t')[1] === phone);
}

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'],
});
const problems = [];
try {
  // The administrator (API): temporary password changed, then the officer of a commune.
  const admin = await request.newContext({ baseURL: base });
  let res = await admin.post('/api/v1/auth/staff', { data: { username: adminName, password: adminPassword } });
  check(res.ok(), `the administrator signs in: ${res.status()}`);
  const csrf = (await res.json()).csrf_token;
  res = await admin.post('/api/v1/auth/staff/password', {
    headers: { 'X-CSRF-Token': csrf },
    data: { current_password: adminPassword, new_password: 'quản trị viên tại quầy 2026' },
  });
  check(res.status() === 204, `the administrator changes the password: ${res.status()}`);

  const tablet = await (await browser.newContext({ viewport: { width: 800, height: 1100 }, locale: 'vi-VN' })).newPage();
  tablet.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
  tablet.on('dialog', (d) => d.accept());
  async function open(path) {
    await tablet.goto(`${base}${path}`, { waitUntil: 'domcontentloaded' });
    await tablet.waitForSelector('html[data-hydrated="true"]', { timeout: 30000 });
  }
  async function next(expectUrl) {
    await tablet.click('button[type=submit]:has-text("Tiếp tục")');
    await tablet.waitForURL(expectUrl, { timeout: 10000 });
  }

  // The commune: the first office the form offers.
  await open('/nop/cham-dut-ho-kinh-doanh');
  await tablet.waitForURL(/\/soan\/[0-9a-f-]{36}\/ho-kinh-doanh$/, { timeout: 10000 });
  const office = await tablet.locator('#f-office option').nth(1).getAttribute('value');
  res = await admin.post('/api/v1/admin/staff', {
    headers: { 'X-CSRF-Token': csrf },
    data: { username: 'can.bo.quay', display_name: 'Cán bộ tại quầy', role: 'commune_officer', jurisdictions: [office] },
  });
  check(res.status() === 201, `the officer is created: ${res.status()} ${await res.text()}`);
  const temporary = (await res.json()).password;

  await open('/can-bo/dang-nhap');
  await tablet.fill('#staff-username', 'can.bo.quay');
  await tablet.fill('#staff-password', temporary);
  await tablet.click('button[type=submit]:has-text("Đăng nhập")');
  await tablet.waitForURL(/\/can-bo\/mat-khau$/, { timeout: 10000 });
  await tablet.fill('#password-current', temporary);
  await tablet.fill('#password-new', 'quầy một cửa Quảng Ngãi');
  await tablet.fill('#password-again', 'quầy một cửa Quảng Ngãi');
  await tablet.click('button[type=submit]:has-text("Đổi mật khẩu")');
  await tablet.waitForURL(/\/can-bo$/, { timeout: 10000 });

  await tablet.click('a[href="/nop/cham-dut-ho-kinh-doanh"]');
  await tablet.waitForURL(/\/soan\/[0-9a-f-]{36}\/ho-kinh-doanh$/, { timeout: 10000 });
  await tablet.fill('#f-hkd_code', '051085012345');
  await tablet.fill('#f-hkd_name', 'Hộ kinh doanh Bánh mì Cô Ba');
  await tablet.selectOption('#f-office', office);
  await next(/\/nguoi-ky$/);
  await tablet.check('#f-signatory-0');
  await tablet.fill('#f-signatory_name', 'Nguyễn Thị Ba');
  await tablet.fill('#f-filer_phone', CITIZEN);
  for (let i = 0; i < 4 && !/\/cam-ket$/.test(tablet.url()); i++) {
    await tablet.click('button[type=submit]:has-text("Tiếp tục")');
    await tablet.waitForTimeout(500);
  }
  for (const box of await tablet.locator('input[type=checkbox][id^="f-commitments-"]').all()) {
    await box.check();
  }
  await next(/\/kiem-tra$/);

  // The citizen's confirmation: the code texted to their phone, read out to the officer.
  await tablet.waitForSelector('#assisted-code', { timeout: 10000 });
  const before = smsTo(CITIZEN).length;
  await tablet.click('button:has-text("Gửi mã xác nhận đến số của người dân")');
  let lines = [];
  for (let i = 0; i < 40 && lines.length <= before; i++) {
    lines = smsTo(CITIZEN);
    if (lines.length <= before) await tablet.waitForTimeout(250);
  }
  check(lines.length > before, 'the citizen got a confirmation code');
  const code = lines.at(-1).split('\t')[2].match(/\b(\d{6})\b/)[1];
  await tablet.fill('#assisted-code', code);
  await tablet.click('button[type=submit]:has-text("Nộp hồ sơ")');
  const dossier = (await tablet.locator('.dossier-code').innerText({ timeout: 30000 })).trim();
  check(/^\d{5}-\d{6}-\d{4}$/.test(dossier), `a dossier code (${dossier})`);
  console.log(`dossier code: ${dossier}`);
  check(problems.length === 0, problems.join('\n'));
  console.log('assisted test passed');
} finally {
  await browser.close();
}
