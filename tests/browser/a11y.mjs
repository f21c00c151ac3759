// Accessibility and small-screen layout of the public pages, in Debian's Chromium against the real server:
// axe-core (from node_modules, no CDN) finds no violation of serious or critical impact on the home page,
// a procedure's page, the look-up page (empty and with a result), the steps of a registration (errors
// shown, the member table, the line picker, attachments, the check page), "Hồ sơ của tôi" and "Xem chi
// tiết" (`/tra-cuu/{code}/chi-tiet`, in a browser with nobody signed in: asking for the code, typing it,
// the dossier opened with the dossier-scoped access it gives); at 360 px
// wide no page scrolls sideways, and with text at 200 % nothing overflows the screen's width.
// Usage: MOTCUA_URL=http://127.0.0.1:PORT SCREENSHOT_DIR=target/browser node tests/browser/a11y.mjs
import { chromium } from 'playwright-core';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import { auditor } from './audit.mjs';
import { signInByApi } from './signin.mjs';

const base = process.env.MOTCUA_URL;
const shots = process.env.SCREENSHOT_DIR ?? 'target/browser';
if (!base) throw new Error('MOTCUA_URL is not set');
mkdirSync(shots, { recursive: true });

function check(condition, message) {
  if (!condition) throw new Error(message);
}

/** The lines of the development SMS sink (`$MOTCUA_DATA_DIR/sms.log`) sent to `phone`. */
function smsTo(phone) {
  try {
    return readFileSync(join(process.env.MOTCUA_DATA_DIR, 'sms.log'), 'utf8').trim().split('\n')
      .filter((l) => l.split('\t')[1] === phone);
  } catch {
    return [];
  }
}

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
const failures = [];
try {
  const context = await browser.newContext({ viewport: { width: 360, height: 740 }, locale: 'vi-VN' });
  const page = await context.newPage();
  const problems = [];
  page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));

  // A dossier to look up, so the look-up page is checked with a result too (sent by its owner, signed in).
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

  const pages = [
    ['home', '/'],
    ['procedure', '/thu-tuc/dang-ky-ho-kinh-doanh'],
    ['lookup', '/tra-cuu'],
    ['lookup-result', `/tra-cuu?code=${encodeURIComponent(code)}&phone=0912345678`],
  ];
  const audit = auditor(page, failures, shots);

  async function open(path) {
    await page.goto(`${base}${path}`, { waitUntil: 'domcontentloaded' });
    await page.waitForSelector('html[data-hydrated="true"]', { timeout: 30000 })
      .catch(() => { throw new Error(`${path}: the WASM app did not start within 30 s; ${problems.join('; ')}`); });
  }

  for (const [name, path] of pages) {
    await open(path);
    await audit(name, path);
  }

  // The citizen's form pages, read from the phone once the app runs: steps with their errors shown, the
  // member table with a row, the business-line picker with results, attachments, the check page, the list.
  await open('/nop/dang-ky-ho-kinh-doanh');
  await page.waitForURL(/\/soan\/[0-9a-f-]{36}\/noi-nop$/, { timeout: 15000 });
  const draft = page.url().split('/')[4];
  const steps = [
    ['form-owner-errors', 'chu-ho', async () => page.click('button[type=submit]:has-text("Tiếp tục")')],
    ['form-lines', 'nganh-nghe', async () => {
      await page.fill('#f-business_lines-search', 'ban le');
      await page.locator('#f-business_lines-search-results .picker-item').first().click();
    }],
    ['form-members', 'chu-the', async () => {
      await page.check('#f-founder-1');
      await page.click('button:has-text("Thêm thành viên")');
    }],
    ['form-attachments', 'giay-to', async () => {}],
    ['form-check', 'kiem-tra', async () => page.click('button[type=submit]:has-text("Nộp hồ sơ")')],
  ];
  for (const [name, step, act] of steps) {
    const path = `/soan/${draft}/${step}`;
    await open(path);
    await page.waitForSelector('form h1', { timeout: 15000 });
    await act();
    await page.waitForTimeout(300);
    await audit(name, path);
  }
  await open('/ho-so');
  await page.waitForSelector('.dossier-list', { timeout: 15000 });
  await audit('my-dossiers', '/ho-so');

  // "Xem chi tiết" with a dossier-scoped access, in a browser where nobody is signed in: the page that
  // offers to text a code, the code step, and the dossier once opened.
  const stranger = await browser.newContext({ viewport: { width: 360, height: 740 }, locale: 'vi-VN' });
  const detail = await stranger.newPage();
  detail.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
  const detailPath = `/tra-cuu/${encodeURIComponent(code)}/chi-tiet`;
  const auditDetail = auditor(detail, failures, shots);
  await detail.goto(`${base}${detailPath}`, { waitUntil: 'domcontentloaded' });
  await detail.waitForSelector('html[data-hydrated="true"]', { timeout: 30000 });
  await auditDetail('lookup-detail-ask', detailPath);
  const textsBefore = smsTo('0912345678').length;
  await detail.click('button[type=submit]:has-text("Gửi mã đến số điện thoại của hồ sơ")');
  await detail.waitForSelector('#access-code', { timeout: 10000 });
  // The button pressed is gone: the focus is where the code is typed (and the field says where it went).
  await detail.waitForFunction(() => document.activeElement?.id === 'access-code', null, { timeout: 5000 })
    .catch(() => { throw new Error('after the code is sent, the focus is not on the code field'); });
  await auditDetail('lookup-detail-code', detailPath);
  let texts = smsTo('0912345678');
  for (let i = 0; i < 40 && texts.length <= textsBefore; i++) {
    await detail.waitForTimeout(250);
    texts = smsTo('0912345678');
  }
  check(texts.length > textsBefore, 'a code was texted to the dossier\'s phone');
  await detail.fill('#access-code', texts.at(-1).split('\t')[2].match(/\b(\d{6})\b/)[1]);
  await detail.click('button[type=submit]:has-text("Xem hồ sơ")');
  await detail.waitForSelector('.lookup-result', { timeout: 10000 }).catch(async () => {
    throw new Error(`the dossier did not open: ${await detail.locator('main').innerText()}`);
  });
  await detail.waitForFunction(() => document.activeElement?.id === 'result-title', null, { timeout: 5000 })
    .catch(() => { throw new Error('once opened, the focus is not on the dossier'); });
  await auditDetail('lookup-detail-open', detailPath);
  await stranger.close();

  check(problems.length === 0, problems.join('\n'));
  check(failures.length === 0, `accessibility or layout failures:\n${failures.join('\n')}`);
  console.log('accessibility test passed');
} finally {
  await browser.close();
}
