// The staff queue in pages (issue 17), in Debian's Chromium against the real server: six citizens file 54
// registrations through the API (each account and the address within their hourly limits); an officer
// signs in on a 360 px tablet and reads "54 hồ sơ · trang 1/2" with 50 dossiers, a labelled navigation
// of pages marking the current one, and no link back; with the keyboard alone (Tab to "Trang sau",
// Enter) reaches page 2 — its address keeps the page, 4 dossiers, a link back and none forward — and
// axe finds nothing serious there. Prints `queue pages test passed`.
import { chromium, request } from 'playwright-core';
import { mkdirSync } from 'node:fs';

import { auditor } from './audit.mjs';
import { signInByApi } from './signin.mjs';

const base = process.env.MOTCUA_URL;
const shots = process.env.SCREENSHOT_DIR ?? 'target/browser';
const adminName = process.env.MOTCUA_ADMIN_USERNAME;
const adminPassword = process.env.MOTCUA_ADMIN_PASSWORD;
if (!base || !adminName || !adminPassword) throw new Error('MOTCUA_URL and the first administrator must be set');
mkdirSync(shots, { recursive: true });

const COMMUNE = '21025';

function check(condition, message) {
  if (!condition) throw new Error(message);
}

/** A registration of "Hộ kinh doanh {name}" in COMMUNE whose owner files it with `phone`. */
function registration(name, phone) {
  return {
    procedure: 'hkd_registration',
    form_version: 'tt68_mau1',
    form: {
      office: COMMUNE,
      owner: { full_name: 'Nguyễn Thị Ba', birth_date: '1985-03-02', gender: 'female', id: '051185012345', phone },
      name: { vietnamese: `Hộ kinh doanh ${name}` },
      seat: { address: { street: '12 Lê Lợi', commune: COMMUNE }, phone },
      business_lines: [
        { name: 'Bán lẻ lương thực, thực phẩm trong cửa hàng chuyên doanh', code: '4721', main: true },
      ],
      capital: '150.000.000',
      founder: 'individual',
      commitments: { population_data_consent: true, not_banned: true, no_other_hkd_or_private_enterprise: true,
        truthful: true, seat_lawful: true },
    },
    applicant: { name: 'Nguyễn Thị Ba', phone },
  };
}

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync'],
});
const problems = [];
const failures = [];
try {
  // ── 54 dossiers, 9 from each of six citizens ─────────────────────────────────────────────────────
  for (let c = 0; c < 6; c++) {
    const phone = `09123456${String(70 + c)}`;
    const citizen = await request.newContext({ baseURL: base });
    const csrf = await signInByApi(citizen, base, phone);
    for (let i = 0; i < 9; i++) {
      const res = await citizen.post('/api/v1/dossiers', {
        headers: { 'idempotency-key': crypto.randomUUID(), 'x-csrf-token': csrf },
        data: registration(`Bánh mì ${c}-${i}`, phone),
      });
      check(res.status() === 201, `dossier ${c}-${i}: ${res.status()} ${await res.text()}`);
    }
    await citizen.dispose();
  }

  // ── An officer, made by the administrator ────────────────────────────────────────────────────────
  const admin = await request.newContext({ baseURL: base });
  let res = await admin.post('/api/v1/auth/staff', { data: { username: adminName, password: adminPassword } });
  check(res.ok(), `the administrator signs in: ${res.status()}`);
  const adminCsrf = (await res.json()).csrf_token;
  res = await admin.post('/api/v1/auth/staff/password', {
    headers: { 'X-CSRF-Token': adminCsrf },
    data: { current_password: adminPassword, new_password: 'quản trị viên trang hồ sơ 2026' },
  });
  check(res.status() === 204, `the administrator changes the password: ${res.status()}`);
  res = await admin.post('/api/v1/admin/staff', {
    headers: { 'X-CSRF-Token': adminCsrf },
    data: { username: 'can.bo.trang', display_name: 'Cán bộ trang', role: 'commune_officer', jurisdictions: [COMMUNE] },
  });
  check(res.status() === 201, `the administrator creates the officer: ${res.status()} ${await res.text()}`);
  const temporary = (await res.json()).password;

  // ── The officer's queue, page 1 ──────────────────────────────────────────────────────────────────
  const tablet = await (await browser.newContext({ viewport: { width: 360, height: 740 }, locale: 'vi-VN' })).newPage();
  tablet.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
  await tablet.goto(`${base}/can-bo/dang-nhap`, { waitUntil: 'domcontentloaded' });
  await tablet.waitForSelector('html[data-hydrated="true"]', { timeout: 30000 });
  await tablet.fill('#staff-username', 'can.bo.trang');
  await tablet.fill('#staff-password', temporary);
  await tablet.click('button[type=submit]:has-text("Đăng nhập")');
  await tablet.waitForURL(/\/can-bo\/mat-khau$/, { timeout: 10000 });
  const password = 'trang sau trang trước 2026';
  await tablet.fill('#password-current', temporary);
  await tablet.fill('#password-new', password);
  await tablet.fill('#password-again', password);
  await tablet.click('button[type=submit]:has-text("Đổi mật khẩu")');
  await tablet.waitForURL(/\/can-bo$/, { timeout: 10000 });
  const cards = tablet.locator('.queue-list > *');
  const pager = tablet.locator('nav.pager');
  await pager.waitFor({ timeout: 15000 });
  const status = (await tablet.locator('p[role=status]:has-text("hồ sơ")').first().innerText()).trim();
  check(status === '54 hồ sơ · trang 1/2', `page 1 says how many and where: ${status}`);
  check(await cards.count() === 50, `page 1 lists 50 dossiers: ${await cards.count()}`);
  check(await pager.getAttribute('aria-label') === 'Các trang hồ sơ', 'the pages are a labelled navigation');
  check((await pager.locator('[aria-current=page]').innerText()).trim() === 'Trang 1/2', 'the current page is marked');
  check(await pager.locator('a[rel=prev]').count() === 0, 'no link back from page 1');

  // ── Page 2 with the keyboard alone ───────────────────────────────────────────────────────────────
  let focused = '';
  for (let i = 0; i < 200 && focused !== 'next'; i++) {
    await tablet.keyboard.press('Tab');
    focused = await tablet.evaluate(() => document.activeElement?.getAttribute('rel') ?? '');
  }
  check(focused === 'next', 'Tab reaches "Trang sau"');
  await tablet.keyboard.press('Enter');
  await tablet.waitForURL(/\/can-bo\?trang=2$/, { timeout: 10000 });
  await tablet.locator('p[role=status]:has-text("trang 2/2")').waitFor({ timeout: 15000 });
  check(await cards.count() === 4, `page 2 lists the other 4: ${await cards.count()}`);
  check(await pager.locator('a[rel=prev]').count() === 1, 'a link back to page 1');
  check(await pager.locator('a[rel=next]').count() === 0, 'no link past the last page');
  check((await pager.locator('[aria-current=page]').innerText()).trim() === 'Trang 2/2', 'page 2 is marked');
  await auditor(tablet, failures, shots)('queue-page-2', '/can-bo?trang=2');

  check(problems.length === 0, `no page errors: ${problems.join('; ')}`);
  check(failures.length === 0, `accessibility: ${failures.join('\n')}`);
  await admin.dispose();
  console.log('queue pages test passed');
} finally {
  await browser.close();
}
