// Accessibility and small-screen layout of the public pages, in Debian's Chromium against the real server:
// axe-core (from node_modules, no CDN) finds no violation of serious or critical impact on the home page,
// a procedure's page, the look-up page (empty and with a result), the steps of a registration (errors
// shown, the member table, the line picker, attachments, the check page) and "Hồ sơ của tôi"; at 360 px
// wide no page scrolls sideways, and with text at 200 % nothing overflows the screen's width.
// Usage: MOTCUA_URL=http://127.0.0.1:PORT SCREENSHOT_DIR=target/browser node tests/browser/a11y.mjs
import { chromium } from 'playwright-core';
import { mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

const base = process.env.MOTCUA_URL;
const shots = process.env.SCREENSHOT_DIR ?? 'target/browser';
if (!base) throw new Error('MOTCUA_URL is not set');
mkdirSync(shots, { recursive: true });
const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

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
try {
  const context = await browser.newContext({ viewport: { width: 360, height: 740 }, locale: 'vi-VN' });
  const page = await context.newPage();
  const problems = [];
  page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));

  // A dossier to look up, so the look-up page is checked with a result too.
  const submitted = await page.request.post(`${base}/api/v1/dossiers`, {
    headers: { 'idempotency-key': crypto.randomUUID() },
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
  // Checks the page as it stands: axe-core, then the width at 360 px with text at 100 % and 200 %.
  async function audit(name, path) {
    // axe-core, evaluated through the DevTools protocol (the page's CSP allows no injected script).
    await page.evaluate(axeSource);
    const violations = await page.evaluate(async () => {
      const result = await window.axe.run(document, { resultTypes: ['violations'] });
      return result.violations.map((v) => ({
        id: v.id, impact: v.impact, help: v.help,
        nodes: v.nodes.map((n) => `${n.target.join(' ')}: ${n.failureSummary?.split('\n').slice(1).join(' ')}`),
      }));
    });
    for (const v of violations) {
      const line = `${path}: [${v.impact}] ${v.id} — ${v.help}\n    ${v.nodes.join('\n    ')}`;
      if (v.impact === 'serious' || v.impact === 'critical') failures.push(`axe ${line}`);
      else console.log(`axe (${v.impact}, not failing) ${line}`);
    }

    // 360 px: nothing scrolls sideways.
    const overflow = () => page.evaluate(() => {
      const width = document.documentElement.clientWidth;
      const wide = [...document.body.querySelectorAll('*')]
        .filter((e) => {
          const r = e.getBoundingClientRect();
          return r.width > 0 && r.right > width + 1 && getComputedStyle(e).position !== 'fixed';
        })
        .slice(0, 5)
        .map((e) => `<${e.tagName.toLowerCase()} class="${e.className}"> right edge ${Math.round(e.getBoundingClientRect().right)} px`);
      return { scroll: document.documentElement.scrollWidth, width, wide };
    });
    const at360 = await overflow();
    if (at360.scroll > at360.width || at360.wide.length > 0) {
      failures.push(`${path} at 360 px scrolls sideways (${at360.scroll} > ${at360.width} px): ${at360.wide.join('; ')}`);
    }
    await page.screenshot({ path: join(shots, `a11y-${name}-360.png`), fullPage: true });

    // Text at 200 % (every size is in rem), still 360 px wide.
    await page.evaluate(() => { document.documentElement.style.fontSize = '200%'; });
    await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));
    const at200 = await overflow();
    if (at200.scroll > at200.width || at200.wide.length > 0) {
      failures.push(`${path} with text at 200 % overflows (${at200.scroll} > ${at200.width} px): ${at200.wide.join('; ')}`);
    }
    await page.screenshot({ path: join(shots, `a11y-${name}-text200.png`), fullPage: true });
    await page.evaluate(() => { document.documentElement.style.fontSize = ''; });
    console.log(`${path}: ${violations.length} axe finding(s); widths ${at360.scroll}/${at360.width} px, at 200 % text ${at200.scroll}/${at200.width} px`);
  }

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

  check(problems.length === 0, problems.join('\n'));
  check(failures.length === 0, `accessibility or layout failures:\n${failures.join('\n')}`);
  console.log('accessibility test passed');
} finally {
  await browser.close();
}
